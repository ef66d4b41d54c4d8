// A small Node API run by pm2 as user deploy.
const http = require('node:http');
const port = Number(process.env.PORT || 3000);
http
  .createServer((_req, res) => res.end('api ok\n'))
  .listen(port, '127.0.0.1', () => console.log(`api listening on ${port}`));
