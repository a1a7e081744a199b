/**
 * engine-get.ts's reading of a whole reply: the body after the headers, cut at Content-Length,
 * a chunked body decoded, and a clear error for a reply cut short or not HTTP.
 */
import { expect, it } from 'vitest';
import { parseReply } from './engine-get.js';

const reply = (head: string, body: string | Buffer) => Buffer.concat([Buffer.from(head.replace(/\n/g, '\r\n') + '\r\n'), Buffer.from(body)]);

it('takes the status, the reason and the body up to the end, or up to Content-Length', () => {
  expect(parseReply(reply('HTTP/1.0 200 OK\nContent-Type: application/json\n', '[{"a":1}]\n'), '/x')).toStrictEqual({ statusCode: 200, reason: 'OK', body: Buffer.from('[{"a":1}]\n') });
  expect(parseReply(reply('HTTP/1.0 404 Not Found\nContent-Length: 12\n', '{"m":"gone"}trailing'), '/x')).toStrictEqual({ statusCode: 404, reason: 'Not Found', body: Buffer.from('{"m":"gone"}') });
  // a body with CRLFs and binary bytes (a log stream's frame headers) is kept as it is
  const frames = Buffer.from([1, 0, 0, 0, 0, 0, 0, 4, 0x61, 0x0d, 0x0a, 0x0a]);
  expect(parseReply(reply('HTTP/1.1 200 OK\n', frames), '/x').body).toStrictEqual(frames);
});

it('decodes a chunked body', () => {
  expect(parseReply(reply('HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n', '4\r\nWiki\r\n6;ext=1\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\n\r\n'), '/x').body.toString()).toBe('Wikipedia in \r\n\r\nchunks.');
});

it('says what is wrong with a reply that is cut short or is not HTTP', () => {
  expect(() => parseReply(Buffer.from('HTTP/1.0 200 OK\r\nContent-Ty'), '/v1.41/images/json')).toThrow("the Docker Engine's reply to GET /v1.41/images/json ended before its headers did (27 bytes)");
  expect(() => parseReply(reply('HTTP/1.0 200 OK\nContent-Length: 10\n', 'short'), '/x')).toThrow('ended after 5 of its 10 bytes');
  expect(() => parseReply(reply('SSH-2.0-OpenSSH\n', ''), '/x')).toThrow('does not start with an HTTP status line: "SSH-2.0-OpenSSH"');
  expect(() => parseReply(reply('HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n', '10\r\nabc'), '/x')).toThrow('ended inside a chunk');
});
