export * from './merchants.js';
export * from './connections.js';
export * from './records.js';
export * from './sync.js';
export * from './dashboard-sessions.js';
