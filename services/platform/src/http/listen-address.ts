/** Interlock-style listen addresses: ":8081" listens on every interface, "127.0.0.1:0" on a free port. */
export function parseListenAddress(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  const port = Number(address.slice(at + 1));
  if (at < 0 || !Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`listen address ${JSON.stringify(address)} is not host:port or :port`);
  return { host: address.slice(0, at) || '0.0.0.0', port };
}
