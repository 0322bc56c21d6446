{{/* The chart's name, or nameOverride. */}}
{{- define "scaleway-exporter.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's objects' name: fullnameOverride, or the release name with the chart's name. */}}
{{- define "scaleway-exporter.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "scaleway-exporter.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The labels of every object. */}}
{{- define "scaleway-exporter.labels" -}}
helm.sh/chart: {{ include "scaleway-exporter.chart" . }}
{{ include "scaleway-exporter.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: exporter
app.kubernetes.io/part-of: {{ include "scaleway-exporter.name" . }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The labels the Service and the ServiceMonitor select the pods and the Service by. */}}
{{- define "scaleway-exporter.selectorLabels" -}}
app.kubernetes.io/name: {{ include "scaleway-exporter.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "scaleway-exporter.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "scaleway-exporter.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* repository:tag, the tag defaulting to appVersion; @digest when one is given. */}}
{{- define "scaleway-exporter.image" -}}
{{- $tag := .Values.image.tag | default .Chart.AppVersion | toString }}
{{- if .Values.image.digest }}
{{- printf "%s:%s@%s" .Values.image.repository $tag .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{/* The Secret that holds the key: the one the chart makes from secretKey.value, the existing
one named, or by default one named after the fullname. Both a name and a value is a mistake. */}}
{{- define "scaleway-exporter.secretName" -}}
{{- if and .Values.secretKey.value .Values.secretKey.existingSecret.name }}
{{- fail "secretKey: set existingSecret.name or value, not both" }}
{{- end }}
{{- default (include "scaleway-exporter.fullname" .) .Values.secretKey.existingSecret.name }}
{{- end }}

{{- define "scaleway-exporter.secretKeyKey" -}}
{{- if .Values.secretKey.value }}secret-key{{ else }}{{ .Values.secretKey.existingSecret.key }}{{ end }}
{{- end }}

{{/* http or https, as the web config serves. */}}
{{- define "scaleway-exporter.scheme" -}}
{{- if .Values.webConfig.tls }}https{{ else }}http{{ end }}
{{- end }}

{{/* A probe of the values, its httpGet in HTTPS when the web config serves TLS (unless the
probe names its own scheme). Called with (list $ probe). */}}
{{- define "scaleway-exporter.probe" -}}
{{- $root := index . 0 }}
{{- $probe := deepCopy (index . 1) }}
{{- if and $root.Values.webConfig.tls $probe.httpGet (not (hasKey $probe.httpGet "scheme")) }}
{{- $_ := set $probe.httpGet "scheme" "HTTPS" }}
{{- end }}
{{- toYaml $probe }}
{{- end }}
