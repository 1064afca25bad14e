// Error texts the host reads a meaning into: a scrobbler's error holding one of these is
// treated as that kind of failure (any other error is unrecoverable).

/** The user has not authorized this scrobbler. */
export const SCROBBLER_NOT_AUTHORIZED = "scrobbler(not_authorized)";

/** A passing failure: the host keeps the scrobble and retries later. */
export const SCROBBLER_RETRY_LATER = "scrobbler(retry_later)";

/** The scrobble can never succeed; the host drops it. */
export const SCROBBLER_UNRECOVERABLE = "scrobbler(unrecoverable)";
