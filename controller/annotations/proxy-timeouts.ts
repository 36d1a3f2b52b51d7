/** The three proxy timeouts: one concern (how long nginx waits on the upstream), one grammar. */
import { annotation } from './types.js';
import { parseDuration } from './validators.js';

const timeout = (key: string, doc: string, configDefault: string) =>
  annotation<number | null>({
    key,
    scope: 'location',
    risk: 'Low',
    default: null,
    defaultDoc: `global value (${configDefault})`,
    doc: `${doc}; seconds (\`60\`) or an nginx time (\`500ms\`, \`2m\`)`,
    parse: parseDuration,
  });

export const proxyConnectTimeout = timeout('proxy-connect-timeout', 'time to establish the upstream connection', '5s');
export const proxySendTimeout = timeout('proxy-send-timeout', 'time between two writes of the request to the upstream', '60s');
export const proxyReadTimeout = timeout('proxy-read-timeout', 'time between two reads of the response from the upstream', '60s');
