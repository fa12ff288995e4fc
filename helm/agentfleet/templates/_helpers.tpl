{{/* <release>-operator, so release "agentfleet" gives the names of deploy/ */}}
{{- define "agentfleet.fullname" -}}
{{- printf "%s-operator" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "agentfleet.serviceAccountName" -}}
{{- default (include "agentfleet.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{- define "agentfleet.selectorLabels" -}}
app.kubernetes.io/name: agentfleet-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "agentfleet.labels" -}}
{{ include "agentfleet.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{/* Only the verbs the operator uses; the same rules whether granted cluster-wide or per namespace. */}}
{{- define "agentfleet.rules" -}}
# get, patch: an automatic rollback puts the stable template back into spec.template
- apiGroups: ["agentfleet.io"]
  resources: ["agentdeployments"]
  verbs: ["get", "list", "watch", "patch"]
# the status is written with server-side apply
- apiGroups: ["agentfleet.io"]
  resources: ["agentdeployments/status"]
  verbs: ["patch"]
# the autoscaler writes spec.replicas through the scale subresource (read, then written back)
- apiGroups: ["agentfleet.io"]
  resources: ["agentdeployments/scale"]
  verbs: ["get", "update"]
# patch: the cluster-autoscaler safe-to-evict annotation follows each worker's calls. No get:
# the informers list and watch, and a creation answered 409 is read back with a list by name
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["list", "watch", "create", "delete", "patch"]
- apiGroups: ["apps"]
  resources: ["controllerrevisions"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
# The credentials Secret is checked, and every Secret and ConfigMap the template reads is
# checksummed into the revision; watching them starts a rollout as soon as one is rotated.
- apiGroups: [""]
  resources: ["secrets", "configmaps"]
  verbs: ["get", "list", "watch"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
# a PodDisruptionBudget per deployment over its busy workers, watched so an unchanged one is not
# written again and a deleted one comes back; written with server-side apply (which needs create
# for the first write)
- apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["list", "watch", "create", "patch"]
{{- end -}}

{{/* the operator checks at start that the CRD it serves is installed */}}
{{- define "agentfleet.crdRule" -}}
- apiGroups: ["apiextensions.k8s.io"]
  resources: ["customresourcedefinitions"]
  verbs: ["get"]
{{- end -}}
