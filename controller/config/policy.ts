/** What Ingress authors may configure: snippets and the riskiest annotations stay off unless the ConfigMap allows them. */
import { oneOf } from '../annotations/validators.js';
import { RISKS, type Risk } from '../annotations/types.js';
import { flagSetting, setting } from './types.js';

export const allowSnippetAnnotations = flagSetting('allow-snippet-annotations', false, 'accept `configuration-snippet` and `server-snippet` annotations (raw nginx configuration: whoever writes Ingresses controls the proxy)');

export const annotationsRiskLevel = setting<Risk>({
  key: 'annotations-risk-level',
  default: 'High',
  doc: 'highest annotation risk accepted (Low, Medium, High, Critical); annotations above it are refused with a reason',
  parse: oneOf(RISKS),
});
