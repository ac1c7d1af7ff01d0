// Raised when rating is handed something it cannot rate exactly: a charge that fails validation or
// a quantity that is not a non-negative plain decimal. Rating never guesses (and never bills $0).
export class RatingInputError extends Error {
  override name = "RatingInputError";
  constructor(
    message: string,
    /** For an invalid charge: the validation issues, by field path. */
    readonly issues: { field: string; message: string }[] = [],
  ) {
    super(message);
  }
}
