module.exports = {
  apps: [
    { name: 'api', script: '/srv/app/api-app.js', env: { PORT: '3000', API_TOKEN: 'not-a-real-token' } },
    {
      name: 'worker',
      script: '/srv/app/crash-app.js',
      max_restarts: 3,
      min_uptime: 2000,
      max_memory_restart: '200M',
      env: { DB_PASSWORD: 'not-a-real-password' },
    },
  ],
};
