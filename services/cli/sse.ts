// A small Server-Sent Events reader over fetch (Node has no EventSource before v22).
import { httpError, type ApiClient, unreachable } from "./client.js";
import { CliError, EXIT } from "./errors.js";

export interface SseMessage {
  event: string;
  data: string;
  id?: string;
}

/** The text/event-stream grammar, fed chunk by chunk: push() returns the messages completed so far. */
export function createSseParser(): { push: (text: string) => SseMessage[] } {
  let buffer = "";
  let message: SseMessage = { event: "message", data: "" };
  let hasData = false;
  return {
    push(text) {
      buffer += text;
      const done: SseMessage[] = [];
      let newline: number;
      // A lone trailing "\r" may be the first half of "\r\n": wait for the next chunk.
      while ((newline = buffer.search(/\r\n|\r(?!$)|\n/)) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith("\r\n", newline) ? 2 : 1));
        if (line === "") {
          if (hasData) done.push(message);
          message = { event: "message", data: "" };
          hasData = false;
          continue;
        }
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") message.event = value;
        else if (field === "id") message.id = value;
        else if (field === "data") {
          message.data = hasData ? `${message.data}\n${value}` : value;
          hasData = true;
        }
      }
      return done;
    },
  };
}

/** Connects and yields messages until the stream ends or the signal aborts. Throws CliError on failure to connect. */
export async function* readSse(api: ApiClient, path: string, signal: AbortSignal, onOpen?: () => void): AsyncGenerator<SseMessage> {
  const url = api.url(path, { access_token: api.settings.token });
  let res: Response;
  try {
    res = await fetch(url, { headers: api.headers({ accept: "text/event-stream" }), signal });
  } catch (err) {
    if (signal.aborted) return;
    throw unreachable(api.settings.baseUrl, err);
  }
  if (!res.ok || !res.body) {
    const problem = await res.json().catch(() => ({}));
    // Before the streams existed, /operations/stream was read as "the operation with id stream".
    if (res.status === 404) throw new CliError(EXIT.unavailable, `the API at ${url.origin} has no GET ${url.pathname} (SSE) endpoint`);
    throw httpError("GET", url, res.status, problem as { detail?: string });
  }
  onOpen?.();
  const decoder = new TextDecoder();
  const parser = createSseParser();
  try {
    for await (const chunk of res.body) {
      for (const message of parser.push(decoder.decode(chunk as Uint8Array, { stream: true }))) yield message;
    }
  } catch (err) {
    if (!signal.aborted) throw err;
  }
}
