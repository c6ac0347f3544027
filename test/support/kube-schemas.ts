/**
 * Holds a rendered object to the official Kubernetes schema of its kind, through the
 * kubernetes-models classes (generated from the upstream OpenAPI): `.validate()` throws
 * on a missing required field, a wrong type or a malformed quantity.
 */
import { Deployment } from "kubernetes-models/apps/v1";
import { Role, RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1";
import { PersistentVolumeClaim, Pod, Secret, Service, ServiceAccount } from "kubernetes-models/v1";

const MODELS = {
  "v1/Pod": Pod,
  "v1/PersistentVolumeClaim": PersistentVolumeClaim,
  "v1/Secret": Secret,
  "v1/Service": Service,
  "v1/ServiceAccount": ServiceAccount,
  "apps/v1/Deployment": Deployment,
  "rbac.authorization.k8s.io/v1/Role": Role,
  "rbac.authorization.k8s.io/v1/RoleBinding": RoleBinding,
} as const;

type Plain = Readonly<Record<string, unknown>>;

/** Throws what the schema refuses; an object of a kind we do not expect is refused too. */
export function validateKube(object: Plain): void {
  const key = `${String(object.apiVersion)}/${String(object.kind)}` as keyof typeof MODELS;
  const Model = MODELS[key];
  if (!Model) throw new Error(`no schema for ${key}`);
  // Each class takes its own shape; the point is to check a plain object against it.
  new (Model as unknown as new (data: unknown) => { validate(): void })(object).validate();
}
