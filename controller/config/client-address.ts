/** Who the client is: which proxies in front of Portico are trusted to say so, and what the upstream is told. */
import { parseHeaderName } from '../annotations/validators.js';
import { parseCidrList } from '../annotations/cidr.js';
import { flagSetting, setting } from './types.js';

export const useForwardedHeaders = flagSetting(
  'use-forwarded-headers',
  false,
  'trust the X-Forwarded-* headers clients send (Portico behind another proxy): passed on to the upstream, and the client address taken from `forwarded-for-header`',
);

export const forwardedForHeader = setting<string>({
  key: 'forwarded-for-header',
  default: 'X-Forwarded-For',
  doc: 'header naming the client address, read when `use-forwarded-headers` or `enable-real-ip` is on',
  parse: parseHeaderName,
});

export const computeFullForwardedFor = flagSetting(
  'compute-full-forwarded-for',
  false,
  'append the client address to the X-Forwarded-For the client sent, instead of replacing it',
);

export const proxyRealIpCidr = setting<string[]>({
  key: 'proxy-real-ip-cidr',
  default: ['0.0.0.0/0'],
  doc: 'comma-separated addresses or CIDR ranges of the proxies trusted to name the client (`set_real_ip_from`)',
  parse: parseCidrList,
});

export const enableRealIp = flagSetting('enable-real-ip', false, 'take the client address from `forwarded-for-header` sent by a `proxy-real-ip-cidr` proxy');

export const useProxyProtocol = flagSetting(
  'use-proxy-protocol',
  false,
  'expect the PROXY protocol on both traffic ports (a load balancer in front sends it) and take the client address from it',
);
