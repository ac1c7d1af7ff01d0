/** The longest a reservation may hold credits: a week. */
export const MAX_TTL_SECONDS = 7 * 86_400;
