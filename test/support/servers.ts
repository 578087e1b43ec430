/**
 * Real server software as loopback origins: Debian's nginx, HAProxy and Apache, each started from
 * a config generated into a temp dir, on a free port, in the foreground (so the test owns the
 * process and stops it by its pid), plus the broken upstreams they proxy to.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface RunningServer {
  readonly port: number;
  /** What the server printed and logged, for a failure's message. */
  output(): string;
  close(): Promise<void>;
}

/** A port nothing listens on right now: bound, noted, closed. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** A TCP upstream that misbehaves: `hang` accepts and never answers, `garbage` answers no HTTP and closes. */
export function brokenUpstream(kind: "hang" | "garbage"): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    if (kind === "garbage") socket.once("data", () => socket.end("\u0000\u0001 this is not HTTP at all\r\n\r\n"));
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      }),
    ),
  );
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port });
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });
}

/**
 * Starts `command args` (which must stay in the foreground) and waits, up to 15 s, until `port`
 * accepts connections. The config is written to `dir` by the caller.
 */
async function run(name: string, command: string, args: readonly string[], port: number, dir: string, logs: readonly string[]): Promise<RunningServer> {
  const printed: string[] = [];
  const child: ChildProcess = spawn(command, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (c: Buffer) => printed.push(c.toString()));
  child.stderr?.on("data", (c: Buffer) => printed.push(c.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once("exit", () => ((exited = true), resolve())));
  child.once("error", (err) => printed.push(String(err)));
  const output = () => [printed.join(""), ...logs.map((f) => safeRead(join(dir, f)))].join("\n");
  const deadline = Date.now() + 15_000;
  while (!(await accepts(port))) {
    if (exited || Date.now() > deadline) {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`${name} did not start on 127.0.0.1:${port}:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    output,
    async close() {
      if (!exited) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exit;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const safeRead = (file: string): string => {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
};

/** A temp dir the servers' unprivileged workers can read (they drop root after start). */
function serverDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `eep-${name}-`));
  chmodSync(dir, 0o755);
  return dir;
}

const asRoot = typeof process.getuid === "function" && process.getuid() === 0;

/**
 * nginx with the given `server { … }` body; temp paths inside its dir, and `files` written to
 * `<dir>/www/`, whose path the body gets.
 */
export async function startNginx(server: (www: string) => string, files: Readonly<Record<string, Buffer>> = {}): Promise<RunningServer> {
  const port = await freePort();
  const dir = serverDir("nginx");
  for (const d of ["body", "proxy", "fastcgi", "uwsgi", "scgi", "www"]) mkdirSync(join(dir, d));
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, "www", name), bytes);
  const conf = `
${asRoot ? "user root;" : ""}
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  gzip on;
  gzip_min_length 0;
  server {
    listen 127.0.0.1:${port};
    ${server(join(dir, "www"))}
  }
}`;
  writeFileSync(join(dir, "nginx.conf"), conf);
  return run("nginx", "/usr/sbin/nginx", ["-p", dir, "-c", join(dir, "nginx.conf"), "-g", "daemon off;"], port, dir, ["error.log"]);
}

/** HAProxy with the given frontend rules and backends (`{port}` is its own). */
export async function startHaproxy(body: (port: number) => string): Promise<RunningServer> {
  const port = await freePort();
  const dir = serverDir("haproxy");
  const conf = `
global
  maxconn 64
defaults
  mode http
  timeout connect 1s
  timeout client 10s
  timeout server 1s
  retries 1
${body(port)}
`;
  writeFileSync(join(dir, "haproxy.cfg"), conf);
  return run("haproxy", "/usr/sbin/haproxy", ["-db", "-f", join(dir, "haproxy.cfg")], port, dir, []);
}

const APACHE_MODULES = ["mpm_event", "authz_core", "proxy", "proxy_http", "mime", "dir"];

/** Apache with the given directives after a minimal server config, in single-process mode (`-X`). */
export async function startApache(body: (port: number) => string): Promise<RunningServer> {
  const port = await freePort();
  const dir = serverDir("apache");
  const conf = `
ServerRoot "${dir}"
ServerName 127.0.0.1
Listen 127.0.0.1:${port}
PidFile ${dir}/httpd.pid
ErrorLog ${dir}/error.log
LogLevel warn
DefaultRuntimeDir ${dir}
Mutex file:${dir} default
${APACHE_MODULES.map((m) => `LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so`).join("\n")}
${asRoot ? "User nobody\nGroup nogroup" : ""}
TypesConfig /etc/mime.types
# In single-process mode Apache drops a kept-alive client connection after a proxy timeout
# without saying so; the runtime's next request on it then fails with "Network connection lost"
# (a 520 for the wrong reason). One request per connection keeps each answer Apache's own.
KeepAlive Off
${body(port)}
`;
  writeFileSync(join(dir, "httpd.conf"), conf);
  return run("apache", "/usr/sbin/apache2", ["-X", "-f", join(dir, "httpd.conf")], port, dir, ["error.log"]);
}
