/**
 * The one rule for sticky-session cookie names, shared by the label validator and every renderer, so a name
 * the validator accepts always renders. It is RFC 6265's cookie-name (an RFC 2616 token) without the
 * characters something downstream reads specially: `$` (nginx variables), `#` (nginx comments), `%` (Lua
 * patterns), `'` and `` ` `` (quotes), `&`, `^` and `|` (regex and shell). What is left is also a subset of
 * the renderer's safe token set, so the name can be written bare into nginx and into a Lua string.
 */
export const COOKIE_NAME = /^[A-Za-z0-9!*+\-._~]{1,256}$/;

export const isCookieName = (name: string): boolean => COOKIE_NAME.test(name);
