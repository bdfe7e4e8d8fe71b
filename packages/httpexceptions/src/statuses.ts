/**
 * Reason phrases (RFC 9110 section 15 and the registry it points to) and a one-sentence
 * explanation for every status this package models. Titles follow RFC 9110 where it renamed
 * Paste's (RFC 2616) phrases: 413 "Content Too Large", 414 "URI Too Long", 416 "Range Not
 * Satisfiable", 422 "Unprocessable Content".
 */
export interface StatusText {
  readonly title: string
  readonly explanation: string
}

const moved = 'The resource has been moved to'

/**
 * The title and explanation of every status this package models, by status code.
 *
 * @example
 * STATUS_TEXT[404] // { title: 'Not Found', explanation: 'The resource could not be found.' }
 */
export const STATUS_TEXT: Readonly<Record<number, StatusText>> = {
  300: { title: 'Multiple Choices', explanation: 'The resource has several representations; see' },
  301: { title: 'Moved Permanently', explanation: moved },
  302: { title: 'Found', explanation: 'The resource was found at' },
  303: { title: 'See Other', explanation: 'The answer to your request is at' },
  304: { title: 'Not Modified', explanation: '' },
  305: { title: 'Use Proxy', explanation: 'The resource must be accessed through a proxy at' },
  307: { title: 'Temporary Redirect', explanation: 'The resource is temporarily at' },
  308: { title: 'Permanent Redirect', explanation: moved },
  400: {
    title: 'Bad Request',
    explanation:
      'The server could not comply with the request since it is either malformed or otherwise incorrect.',
  },
  401: {
    title: 'Unauthorized',
    explanation:
      'This server could not verify that you are authorized to access the document you requested. Either you supplied the wrong credentials (e.g., bad password), or your browser does not understand how to supply the credentials required.',
  },
  402: { title: 'Payment Required', explanation: 'Access was denied for financial reasons.' },
  403: { title: 'Forbidden', explanation: 'Access was denied to this resource.' },
  404: { title: 'Not Found', explanation: 'The resource could not be found.' },
  405: { title: 'Method Not Allowed', explanation: 'The method is not allowed for this resource.' },
  406: {
    title: 'Not Acceptable',
    explanation: 'The resource could not be generated in a form acceptable to your browser.',
  },
  407: {
    title: 'Proxy Authentication Required',
    explanation: 'Authentication with a local proxy is needed.',
  },
  408: {
    title: 'Request Timeout',
    explanation: 'The server has waited too long for the request to be sent by the client.',
  },
  409: {
    title: 'Conflict',
    explanation: 'There was a conflict when trying to complete your request.',
  },
  410: {
    title: 'Gone',
    explanation: 'This resource is no longer available. No forwarding address is given.',
  },
  411: { title: 'Length Required', explanation: 'Content-Length header required.' },
  412: { title: 'Precondition Failed', explanation: 'Request precondition failed.' },
  413: {
    title: 'Content Too Large',
    explanation: 'The body of your request was too large for this server.',
  },
  414: { title: 'URI Too Long', explanation: 'The request URI was too long for this server.' },
  415: {
    title: 'Unsupported Media Type',
    explanation: 'The media type of the request body is not supported by this server.',
  },
  416: { title: 'Range Not Satisfiable', explanation: 'The Range requested is not available.' },
  417: { title: 'Expectation Failed', explanation: 'Expectation failed.' },
  421: {
    title: 'Misdirected Request',
    explanation: 'The request was directed at a server that cannot answer for this origin.',
  },
  422: {
    title: 'Unprocessable Content',
    explanation: 'The request was well formed but its content could not be processed.',
  },
  423: { title: 'Locked', explanation: 'The resource is locked.' },
  424: {
    title: 'Failed Dependency',
    explanation: 'The request failed because a request it depends on failed.',
  },
  425: {
    title: 'Too Early',
    explanation: 'The server will not process a request that might be replayed.',
  },
  426: { title: 'Upgrade Required', explanation: 'The client must switch to another protocol.' },
  428: { title: 'Precondition Required', explanation: 'This request must be conditional.' },
  429: {
    title: 'Too Many Requests',
    explanation: 'The client has sent too many requests to the server.',
  },
  431: {
    title: 'Request Header Fields Too Large',
    explanation: 'The request header fields were too large for this server.',
  },
  451: {
    title: 'Unavailable For Legal Reasons',
    explanation: 'This resource is not available for legal reasons.',
  },
  500: {
    title: 'Internal Server Error',
    explanation:
      'The server has either erred or is incapable of performing the requested operation.',
  },
  501: {
    title: 'Not Implemented',
    explanation: 'The request method is not implemented for this server.',
  },
  502: { title: 'Bad Gateway', explanation: 'Bad gateway.' },
  503: {
    title: 'Service Unavailable',
    explanation: 'The server is currently unavailable. Please try again at a later time.',
  },
  504: { title: 'Gateway Timeout', explanation: 'The gateway has timed out.' },
  505: { title: 'HTTP Version Not Supported', explanation: 'The HTTP version is not supported.' },
  506: { title: 'Variant Also Negotiates', explanation: 'The server has a configuration error.' },
  507: {
    title: 'Insufficient Storage',
    explanation: 'The server is unable to store what is needed to complete the request.',
  },
  508: { title: 'Loop Detected', explanation: 'The server detected an infinite loop.' },
  510: { title: 'Not Extended', explanation: 'Further extensions to the request are required.' },
  511: {
    title: 'Network Authentication Required',
    explanation: 'You need to authenticate to gain network access.',
  },
}

/**
 * The text for a status, with a generic fallback for unregistered codes in 300-599.
 *
 * @example
 * statusText(503).title // 'Service Unavailable'
 */
export function statusText(status: number): StatusText {
  const known = STATUS_TEXT[status]
  if (known) return known
  const klass = Math.floor(status / 100)
  if (klass === 3) return { title: 'Redirection', explanation: 'Further action is needed.' }
  if (klass === 4)
    return { title: 'Client Error', explanation: 'The request could not be processed.' }
  return { title: 'Server Error', explanation: 'The server could not complete the request.' }
}
