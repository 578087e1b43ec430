/**
 * `edge-error-pages/admin`: the owner's Worker (API and dashboard), deployed beside the site
 * Worker and reached through its ADMIN service binding. Only this entry pulls in the dashboard.
 */
export { default, createAdminApp } from "../admin/worker";
export type { AdminBindings } from "../admin/api/api";
