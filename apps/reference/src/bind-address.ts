import net from 'node:net';
import os from 'node:os';

/** Host names and addresses that only this machine can reach. */
export const LOOPBACK_NAMES: readonly string[] = ['localhost', '127.0.0.1', '::1', '[::1]'];

/** `true` for `localhost`, any `127.0.0.0/8` address and `::1` (bracketed or not). */
export function isLoopbackAddress(address: string): boolean {
  const a = address.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (a === 'localhost' || a.endsWith('.localhost')) return true;
  if (net.isIPv4(a)) return a.startsWith('127.');
  if (net.isIPv6(a)) return a === '::1' || a === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(a);
  return false;
}

/** `0.0.0.0` / `::`: every interface. */
export function isWildcardAddress(address: string): boolean {
  const a = address.replace(/^\[(.*)\]$/, '$1');
  return a === '0.0.0.0' || a === '::' || a === '0:0:0:0:0:0:0:0';
}

/**
 * The names a `Host` header may carry for a server bound to `bindHost`: the loopback names, the
 * bind address itself, and for a wildcard bind this machine's interface addresses and host name.
 * A DNS-rebinding page reaches the server under the attacker's name, which is never in this set.
 */
export function servedHostNames(bindHost: string | undefined, extra: readonly string[] = []): Set<string> {
  const names = new Set<string>(LOOPBACK_NAMES);
  const add = (name: string) => {
    const n = name.toLowerCase();
    names.add(n);
    if (net.isIPv6(n)) names.add(`[${n}]`);
  };
  for (const name of extra) add(name);
  if (bindHost !== undefined) {
    add(bindHost.replace(/^\[(.*)\]$/, '$1'));
    if (isWildcardAddress(bindHost)) {
      add(os.hostname());
      for (const list of Object.values(os.networkInterfaces())) {
        for (const info of list ?? []) add(info.address.replace(/%.*$/, ''));
      }
    }
  }
  return names;
}
