/** Access and error logs: where lines go, what they hold, and how much nginx tells about itself. */
import { accept, type Checked } from '../model/validate.js';
import { oneOf } from '../annotations/validators.js';
import { parseLogFormat, parseLogPath } from './log-format.js';
import { flagSetting, setting } from './types.js';

/** ingress-nginx's `upstreaminfo` format, the default. */
export const UPSTREAMINFO_FORMAT =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" ' +
  '$request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr ' +
  '$upstream_response_length $upstream_response_time $upstream_status $req_id';

/** `log-format-upstream: json`: one JSON object per request, with request id, upstream address, status and timings. */
export const JSON_FORMAT =
  '{"time": "$time_iso8601", "request_id": "$req_id", "remote_addr": "$remote_addr", "remote_user": "$remote_user", ' +
  '"host": "$host", "method": "$request_method", "uri": "$request_uri", "protocol": "$server_protocol", "status": $status, ' +
  '"bytes_sent": $bytes_sent, "request_length": $request_length, "request_time": $request_time, ' +
  '"referer": "$http_referer", "user_agent": "$http_user_agent", "namespace": "$namespace", "ingress": "$ingress_name", ' +
  '"service": "$service_name", "service_port": "$service_port", "upstream_name": "$proxy_upstream_name", ' +
  '"upstream_addr": "$upstream_addr", "upstream_status": "$upstream_status", "upstream_connect_time": "$upstream_connect_time", ' +
  '"upstream_header_time": "$upstream_header_time", "upstream_response_time": "$upstream_response_time", ' +
  '"upstream_response_length": "$upstream_response_length"}';

/** A parsed log format; `json` marks the preset, which is always written with JSON escaping. */
export interface LogFormat {
  format: string;
  json: boolean;
}

function parseFormatSetting(raw: string): Checked<LogFormat> {
  const json = raw === 'json';
  const parsed = parseLogFormat(json ? JSON_FORMAT : raw);
  return parsed.ok ? accept({ format: parsed.value, json }) : parsed;
}

const defaultFormat = parseFormatSetting(UPSTREAMINFO_FORMAT);
if (!defaultFormat.ok) throw new Error(`built-in log format: ${defaultFormat.reason}`);

export const logFormatUpstream = setting<LogFormat>({
  key: 'log-format-upstream',
  default: defaultFormat.value,
  defaultDoc: "ingress-nginx's `upstreaminfo`",
  doc: 'access log line in nginx `log_format` syntax (variables from an allow-list: request, response, timing, upstream, `$http_*` headers); `json` selects the built-in JSON line',
  parse: parseFormatSetting,
});

export const logFormatEscapeJson = flagSetting('log-format-escape-json', false, 'escape variables for JSON (`escape=json`) in a hand-written JSON `log-format-upstream`');

export const accessLogPath = setting<string | null>({
  key: 'access-log-path',
  // Relative: nginx reads it from its prefix, the work dir, which always exists (unlike /var/log/nginx, and
  // /dev/stdout cannot be opened when stdout is a socket, as under a Node parent).
  default: 'access.log',
  defaultDoc: '`access.log` in `--work-dir`',
  doc: 'access log file, or `off`; an absolute path, which may contain `$host`, `$server_port`, `$scheme` for per-host files (the directory must exist and be writable by the workers)',
  parse: (raw) => (raw === 'off' ? accept(null) : parseLogPath(raw)),
});

export const errorLogLevel = setting({
  key: 'error-log-level',
  default: 'notice' as const,
  doc: "OpenResty's `error_log` level, logged through the controller",
  parse: oneOf(['debug', 'info', 'notice', 'warn', 'error', 'crit', 'alert', 'emerg'] as const),
});

export const enableAccessLogForDefaultBackend = flagSetting('enable-access-log-for-default-backend', false, 'also log requests no Ingress rule serves (the built-in 404)');
