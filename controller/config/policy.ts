/** What Ingress authors may configure: snippets and the riskiest annotations stay off unless the ConfigMap allows them. */
import { parseBoolean, oneOf } from '../annotations/validators.js';
import { RISKS, type Risk } from '../annotations/types.js';
import { setting } from './types.js';

export const allowSnippetAnnotations = setting<boolean>({
  key: 'allow-snippet-annotations',
  default: false,
  doc: 'accept `configuration-snippet` and `server-snippet` annotations (raw nginx configuration: whoever writes Ingresses controls the proxy)',
  parse: parseBoolean,
});

export const annotationsRiskLevel = setting<Risk>({
  key: 'annotations-risk-level',
  default: 'High',
  doc: 'highest annotation risk accepted (Low, Medium, High, Critical); annotations above it are refused with a reason',
  parse: oneOf(RISKS),
});
