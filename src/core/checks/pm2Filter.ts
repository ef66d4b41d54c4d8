/**
 * Runs on the host as the app's user: reads `pm2 jlist` and keeps only the fields Medic needs
 * (pm2 copies the app's environment, secrets included, into pm2_env), plus the last lines of
 * each app's error log. Nothing else leaves the host: not even jlist text that is not JSON (a
 * fixed message instead). Plain JS for `node -e`; no single quotes.
 */
export const pm2FilterJs = `
let s = "";
process.stdin.on("data", (d) => (s += d)).on("end", () => {
  const i = s.search(/^\\[\\s*[{\\]]/m);
  let list;
  try { list = JSON.parse(s.slice(i)); if (!Array.isArray(list)) throw 0; } catch (e) { process.stderr.write("pm2 jlist did not print a JSON list\\n"); process.exit(3); }
  const fs = require("fs");
  const keep = ["status", "restart_time", "unstable_restarts", "pm_uptime", "exit_code", "pm_err_log_path",
    "max_memory_restart", "exec_mode", "autorestart", "max_restarts", "min_uptime", "created_at"];
  const tail = (p) => { try { return fs.readFileSync(p, "utf8").split("\\n").filter(Boolean).slice(-LINES); } catch (e) { return []; } };
  process.stdout.write(JSON.stringify(list.map((p) => {
    const e = p.pm2_env || {};
    const env = {};
    for (const k of keep) if (k in e) env[k] = e[k];
    return { name: p.name, pm_id: p.pm_id, pid: p.pid, monit: p.monit, pm2_env: env, err_tail: e.pm_err_log_path ? tail(e.pm_err_log_path) : [] };
  })));
});`;
