import { annotation } from './types.js';
import { parseHostList } from './validators.js';

/** More names for the Ingress's hosts; a name that is already some rule's host stays with that rule. */
export const serverAlias = annotation<string[]>({
  key: 'server-alias',
  scope: 'server',
  risk: 'Low',
  default: [],
  doc: 'comma-separated extra host names served like the rule\'s host; names other rules use are ignored',
  parse: parseHostList,
});
