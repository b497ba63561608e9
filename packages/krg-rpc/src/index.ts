// Public surface of @krg/krg-rpc. Nothing is exported yet: this package is a
// home for code that later issues add (see README.md).
export {};
