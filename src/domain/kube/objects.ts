/**
 * The few Kubernetes object shapes we render, as plain data (the fields we set, not the
 * whole API). Tests hold every rendered object to the official schemas with the
 * kubernetes-models package; these types only keep the renderers honest while typing.
 */
export type Labels = Readonly<Record<string, string>>;

export type ObjectMeta = {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Labels;
  readonly annotations?: Labels;
};

export type KubeObject = {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
  readonly [field: string]: unknown;
};

export type ResourceList = { readonly cpu?: string; readonly memory?: string };
export type Resources = { readonly requests: ResourceList; readonly limits?: ResourceList };
