// A string with a lone UTF-16 surrogate has no UTF-8 encoding: the encoder
// would silently write U+FFFD and the round trip would change the value.
// String.prototype.isWellFormed is in Node >= 20 but not in the ES2022 lib.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isWellFormedString(value: string): boolean {
  return !LONE_SURROGATE.test(value);
}
