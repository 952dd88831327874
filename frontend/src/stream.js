// Reading a session's stored events: the events API answers NDJSON, one rrweb
// event per line, streamed so the player can start before the end arrives.

/**
 * Calls onLines with the complete lines of each chunk of `body` (done is true
 * for the last call); a line split across chunks waits for its end.
 * @param {ReadableStream<Uint8Array>} body
 * @param {(lines: string[], done: boolean) => void} onLines
 */
export async function readLines(body, onLines) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  for (;;) {
    const { done, value } = await reader.read();
    buf += decoder.decode(value || new Uint8Array(), { stream: !done });
    const lines = buf.split('\n');
    buf = done ? '' : /** @type {string} */ (lines.pop()); // keep a partial last line for the next chunk
    onLines(lines, !!done);
    if (done) return;
  }
}

/**
 * Fetches the events URL and streams its lines to onLines; throws with a
 * readable message when the server does not answer 200.
 * @param {string} url
 * @param {(lines: string[], done: boolean) => void} onLines
 * @param {typeof fetch} [fetchImpl]
 */
export async function fetchLines(url, onLines, fetchImpl = fetch) {
  const res = await fetchImpl(url, {
    credentials: 'same-origin',
    headers: { Accept: 'application/x-ndjson' },
  });
  if (!res.ok) throw new Error(`the server answered ${res.status} ${res.statusText}`.trim());
  if (!res.body) throw new Error('the answer has no body');
  await readLines(res.body, onLines);
}
