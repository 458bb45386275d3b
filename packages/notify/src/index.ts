export type { AlertMessage, DeliveryOutcome, Publisher, SendContext } from "./publisher.js";
