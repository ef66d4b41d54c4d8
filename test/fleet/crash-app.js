// A worker that cannot reach its database and exits at once: pm2 restarts it, then gives up.
console.error('Error: connect ECONNREFUSED 127.0.0.1:5432 (database password=hunter2)');
process.exit(1);
