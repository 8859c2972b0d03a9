export * from './merchants.js';
export * from './connections.js';
export * from './records.js';
export * from './sync.js';
export * from './dashboard-sessions.js';
export * from './realm-budgets.js';
export * from './client-rate-limits.js';
