// Artifact URLs may carry credentials (user-info, signed-URL tokens). They are redacted before they
// reach a signal's `sourceUri`, an error message or a log line (spec §19.5).

const USER_INFO = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)[^/?#]*@/;
const SECRET_QUERY =
  /([?&])(access[-_]token|api[-_]key|auth[-_]token|key|password|secret|signature|token)=([^&#]*)/gi;

/** The reference with URL user-info removed and secret query values replaced by `<redacted>`. */
export function redactReference(reference: string): string {
  return reference.replace(USER_INFO, '$1').replace(SECRET_QUERY, '$1$2=<redacted>');
}
