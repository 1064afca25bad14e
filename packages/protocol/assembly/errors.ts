/** The plugin has no answer for this request (for example an unknown artist). */
export const NOT_FOUND = "plugin:not_found";

/** The plugin does not implement this method. */
export const NOT_IMPLEMENTED = "plugin:not_implemented";
