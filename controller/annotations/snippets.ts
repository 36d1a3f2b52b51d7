/**
 * Raw nginx configuration from the Ingress: Critical risk, refused unless the ConfigMap sets
 * `allow-snippet-annotations: "true"` and `annotations-risk-level: Critical` (see read.ts).
 */
import { annotation } from './types.js';
import { checkSnippetSyntax } from './snippet-syntax.js';

export const configurationSnippet = annotation<string | null>({
  key: 'configuration-snippet',
  scope: 'location',
  risk: 'Critical',
  snippet: true,
  default: null,
  doc: 'nginx directives added to each location of the Ingress; only with `allow-snippet-annotations: "true"` and `annotations-risk-level: Critical` in the ConfigMap, and only whole, balanced directives',
  parse: checkSnippetSyntax,
});

export const serverSnippet = annotation<string | null>({
  key: 'server-snippet',
  scope: 'server',
  risk: 'Critical',
  snippet: true,
  default: null,
  doc: 'nginx directives added to the server of each of the Ingress\'s hosts; same conditions as `configuration-snippet`',
  parse: checkSnippetSyntax,
});
