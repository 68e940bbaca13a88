// A small static file server for the built site: files as they are, index.html
// for folders (with a redirect to the trailing slash, as static hosts do), and
// the site's own 404.html with status 404 for anything else, and a single
// `Range: bytes=a-b` answered with 206 (416 past the end), as static hosts
// do. No live reload, no rewriting: the browser sees exactly what a static
// host would serve.
import http from "node:http";
import fs from "node:fs/promises";
import path from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".bib": "application/x-bibtex; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".pdf": "application/pdf",
};

export function contentType(file) {
  const name = path.basename(file);
  if (name === "atom.xml") return "application/atom+xml; charset=utf-8";
  return TYPES[path.extname(name).toLowerCase()] || "application/octet-stream";
}

async function statOrNull(p) {
  try {
    return await fs.stat(p);
  } catch {
    return null;
  }
}

/**
 * Serves `root` on 127.0.0.1 (port 0 = any free port). `notFound` is the URL
 * path of the page sent with status 404, e.g. "/briefings/404.html".
 * Resolves to the listening http.Server.
 */
export function startServer({ root, notFound, port = 0 }) {
  const rootAbs = path.resolve(root);

  async function send(req, res, status, file) {
    const body = await fs.readFile(file);
    const range = status === 200 && /^bytes=(\d*)-(\d*)$/.exec(req.headers.range || "");
    if (range && (range[1] || range[2])) {
      let start, end;
      if (range[1]) {
        start = Number(range[1]);
        end = range[2] ? Math.min(Number(range[2]), body.length - 1) : body.length - 1;
      } else {
        start = Math.max(0, body.length - Number(range[2]));
        end = body.length - 1;
      }
      if (start >= body.length || end < start) {
        res.writeHead(416, { "content-range": `bytes */${body.length}` });
        return res.end();
      }
      const part = body.subarray(start, end + 1);
      res.writeHead(206, {
        "content-type": contentType(file),
        "content-length": part.length,
        "content-range": `bytes ${start}-${end}/${body.length}`,
        "accept-ranges": "bytes",
        "cache-control": "no-store",
      });
      return res.end(req.method === "HEAD" ? undefined : part);
    }
    res.writeHead(status, {
      "content-type": contentType(file),
      "content-length": body.length,
      "cache-control": "no-store",
    });
    res.end(req.method === "HEAD" ? undefined : body);
  }

  async function notFoundPage(req, res) {
    const file = path.join(rootAbs, notFound);
    if (await statOrNull(file)) return send(req, res, 404, file);
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
    res.end("404 not found\n");
  }

  async function handle(req, res) {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" });
      return res.end();
    }
    const url = new URL(req.url, "http://localhost");
    let rel;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400);
      return res.end();
    }
    if (rel.includes("\0")) return notFoundPage(req, res);
    const file = path.resolve(rootAbs, "." + path.posix.normalize(rel));
    if (file !== rootAbs && !file.startsWith(rootAbs + path.sep)) return notFoundPage(req, res);

    const st = await statOrNull(file);
    if (st && st.isDirectory()) {
      if (!url.pathname.endsWith("/")) {
        res.writeHead(301, { location: url.pathname + "/" + url.search });
        return res.end();
      }
      const index = path.join(file, "index.html");
      if (await statOrNull(index)) return send(req, res, 200, index);
      return notFoundPage(req, res);
    }
    if (st && st.isFile()) return send(req, res, 200, file);
    return notFoundPage(req, res);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(err));
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}
