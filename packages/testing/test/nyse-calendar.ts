import { createNyseCalendar } from '@keel/calendar';

export const nyse = createNyseCalendar();
