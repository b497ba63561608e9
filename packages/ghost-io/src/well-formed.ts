// A string with a lone UTF-16 surrogate has no UTF-8 encoding: the encoder
// would silently write U+FFFD and the round trip would change the value.
// String.prototype.isWellFormed is in Node >= 20 but not in the ES2022 lib.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Node's own check when it has one (much cheaper than the expression). */
const nativeIsWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean })
  .isWellFormed;

export function isWellFormedString(value: string): boolean {
  if (nativeIsWellFormed !== undefined) return nativeIsWellFormed.call(value);
  return !LONE_SURROGATE.test(value);
}
