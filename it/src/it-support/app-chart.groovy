// Evaluates to a closure (File dir, String version) that writes the chart "app" into dir: one Pod whose image is
// docker.io/acme/app:1.0, written as registry, repository and tag in values.yaml.
return { File chart, String version ->
    new File(chart, 'templates').mkdirs()
    new File(chart, 'Chart.yaml').text = "apiVersion: v2\nname: app\nversion: ${version}\n"
    new File(chart, 'values.yaml').text = 'image:\n  registry: docker.io\n  repository: acme/app\n  tag: "1.0"\n'
    new File(chart, 'templates/pod.yaml').text = '''apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
    - name: app
      image: "{{ .Values.image.registry }}/{{ .Values.image.repository }}:{{ .Values.image.tag }}"
'''
}
