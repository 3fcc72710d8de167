{{- define "lighthouse.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "lighthouse.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* registry/repository:tag, the tag defaulting to appVersion. */}}
{{- define "lighthouse.image" -}}
{{- with .Values.image.registry -}}{{ . }}/{{- end -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/* repository@digest. */}}
{{- define "lighthouse.migrations.image" -}}
{{ .Values.migrations.image.repository }}@{{ .Values.migrations.image.digest }}
{{- end -}}
