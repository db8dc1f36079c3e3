package k8s

import (
	"bytes"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// objects splits a multi-document YAML file and decodes each document
// strictly into the Kubernetes type its kind names: an unknown or
// misplaced field, a value of the wrong type or a quantity that does not
// parse is an error, as kubectl apply --validate=strict would report it.
func objects(t *testing.T, path string) []any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []any
	for i, doc := range regexp.MustCompile(`(?m)^---\s*$`).Split(string(data), -1) {
		var head metav1.TypeMeta
		if err := yaml.Unmarshal([]byte(doc), &head); err != nil {
			t.Fatalf("%s, document %d: %v", path, i+1, err)
		}
		var obj any
		switch head.APIVersion + " " + head.Kind {
		case "v1 PersistentVolumeClaim":
			obj = &corev1.PersistentVolumeClaim{}
		case "batch/v1 Job":
			obj = &batchv1.Job{}
		case "v1 Pod":
			obj = &corev1.Pod{}
		default:
			t.Fatalf("%s, document %d: unexpected %s %s", path, i+1, head.APIVersion, head.Kind)
		}
		if err := yaml.UnmarshalStrict([]byte(doc), obj); err != nil {
			t.Fatalf("%s, document %d (%s): %v", path, i+1, head.Kind, err)
		}
		out = append(out, obj)
	}
	return out
}

// TestSweepManifests checks deploy/k8s/sweep-job.yaml against the
// Kubernetes API's types and against what the sweep needs: a
// ReadWriteMany claim that names a storage class; an Indexed Job whose
// SHARDS is its completions, that runs schoolnet sweep --shard into
// /data/run-K and retries failed pods; a merge Job over /data/run-*; a
// fetch pod that mounts the volume read-only; every container with
// resource requests; every object labelled with its step.
func TestSweepManifests(t *testing.T) {
	objs := objects(t, "sweep-job.yaml")
	var pvc *corev1.PersistentVolumeClaim
	jobs := map[string]*batchv1.Job{}
	var fetch *corev1.Pod
	for _, o := range objs {
		switch o := o.(type) {
		case *corev1.PersistentVolumeClaim:
			pvc = o
		case *batchv1.Job:
			jobs[o.Name] = o
		case *corev1.Pod:
			fetch = o
		}
	}
	if pvc == nil || fetch == nil || jobs["schoolnet-sweep"] == nil || jobs["schoolnet-merge"] == nil {
		t.Fatalf("want a claim, the schoolnet-sweep and schoolnet-merge Jobs and a fetch pod; got %d objects", len(objs))
	}
	for _, o := range []struct {
		meta metav1.ObjectMeta
		step string
	}{{pvc.ObjectMeta, "data"}, {jobs["schoolnet-sweep"].ObjectMeta, "shards"}, {jobs["schoolnet-merge"].ObjectMeta, "merge"}, {fetch.ObjectMeta, "fetch"}} {
		if o.meta.Labels["app"] != "schoolnet-sweep" || o.meta.Labels["step"] != o.step {
			t.Errorf("%s: labels %v, want app=schoolnet-sweep and step=%s (kubectl apply -l step=... picks it)", o.meta.Name, o.meta.Labels, o.step)
		}
	}

	// The volume: many writers, a storage class named.
	if !slices.Contains(pvc.Spec.AccessModes, corev1.ReadWriteMany) {
		t.Errorf("claim access modes %v: the shards' pods write from several nodes, want ReadWriteMany", pvc.Spec.AccessModes)
	}
	if pvc.Spec.StorageClassName == nil || *pvc.Spec.StorageClassName == "" {
		t.Error("the claim names no storage class: the default class is often ReadWriteOnce only and the claim would stay Pending")
	}
	if q := pvc.Spec.Resources.Requests[corev1.ResourceStorage]; q.Cmp(resource.MustParse("1Mi")) < 0 {
		t.Errorf("claim requests %v of storage", q.String())
	}

	// The shards: an Indexed Job with SHARDS = completions.
	sw := jobs["schoolnet-sweep"]
	if sw.Spec.CompletionMode == nil || *sw.Spec.CompletionMode != batchv1.IndexedCompletion {
		t.Error("schoolnet-sweep is not an Indexed Job: pods would not know their shard")
	}
	c := sw.Spec.Template.Spec.Containers[0]
	shards := ""
	for _, e := range c.Env {
		if e.Name == "SHARDS" {
			shards = e.Value
		}
	}
	if n, err := strconv.Atoi(shards); err != nil || sw.Spec.Completions == nil || int32(n) != *sw.Spec.Completions {
		t.Errorf("SHARDS %q, completions %v: they must be equal (N)", shards, sw.Spec.Completions)
	}
	args := strings.Join(append(slices.Clone(c.Command), c.Args...), " ")
	for _, want := range []string{"JOB_COMPLETION_INDEX + 1", "schoolnet sweep", `--shard "$K/$SHARDS"`, `--out "/data/run-$K"`, "--quiet"} {
		if !strings.Contains(args, want) {
			t.Errorf("shard command %q lacks %q", args, want)
		}
	}
	if p := sw.Spec.Template.Spec.RestartPolicy; p != corev1.RestartPolicyOnFailure && p != corev1.RestartPolicyNever {
		t.Errorf("shard restart policy %q: a Job's pods must be OnFailure or Never", p)
	}
	if sw.Spec.BackoffLimit == nil || *sw.Spec.BackoffLimit < 1 {
		t.Error("schoolnet-sweep retries no failed pod: a failed shard would not resume")
	}

	// The merge and the fetch pod.
	mc := jobs["schoolnet-merge"].Spec.Template.Spec.Containers[0]
	if cmd := strings.Join(mc.Command, " "); !strings.Contains(cmd, "schoolnet merge /data/merged /data/run-*") {
		t.Errorf("merge command %q", cmd)
	}
	if m := fetch.Spec.Containers[0].VolumeMounts; len(m) != 1 || !m[0].ReadOnly || m[0].MountPath != "/data" {
		t.Errorf("fetch pod mounts %v, want /data read-only", m)
	}

	// Every pod: not as root; requests and a memory limit set; one image
	// tag, never :latest (a retried shard would pull another binary); the
	// volume is the claim.
	image := sw.Spec.Template.Spec.Containers[0].Image
	if strings.HasSuffix(image, ":latest") || !strings.Contains(image, ":") {
		t.Errorf("image %q: name a tag of one binary, not latest", image)
	}
	for name, spec := range map[string]corev1.PodSpec{"schoolnet-sweep": sw.Spec.Template.Spec, "schoolnet-merge": jobs["schoolnet-merge"].Spec.Template.Spec, "schoolnet-fetch": fetch.Spec} {
		if sc := spec.SecurityContext; sc == nil || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot || sc.RunAsUser == nil || *sc.RunAsUser == 0 {
			t.Errorf("%s may run as root", name)
		}
		for _, c := range spec.Containers {
			if c.Resources.Requests.Cpu().IsZero() || c.Resources.Requests.Memory().IsZero() || c.Resources.Limits.Memory().IsZero() {
				t.Errorf("%s/%s requests no CPU or memory, or has no memory limit", name, c.Name)
			}
			if c.Image != image {
				t.Errorf("%s/%s runs %s, the shards %s", name, c.Name, c.Image, image)
			}
			if sc := c.SecurityContext; sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
				sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
				t.Errorf("%s/%s: want a read-only root file system and no privilege escalation", name, c.Name)
			}
		}
		for _, v := range spec.Volumes {
			if v.Name == "data" && (v.PersistentVolumeClaim == nil || v.PersistentVolumeClaim.ClaimName != pvc.Name) {
				t.Errorf("%s: volume data is not the claim %s", name, pvc.Name)
			}
		}
	}
}

// TestStrictDecodingCatchesMistakes makes sure the check above can fail:
// a misspelt field, a field in the wrong place and a bad quantity are
// each refused.
func TestStrictDecodingCatchesMistakes(t *testing.T) {
	data, err := os.ReadFile("sweep-job.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, from, to string }{
		{"misspelt field", "completionMode: Indexed", "completionMod: Indexed"},
		{"misplaced field", "      restartPolicy: OnFailure", "      restartPolicy: OnFailure\n      completions: 3"},
		{"bad quantity", "memory: 4Gi}", "memory: 4 gigabytes}"},
		{"wrong type", "parallelism: 4", "parallelism: four"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			bad := bytes.Replace(data, []byte(tt.from), []byte(tt.to), 1)
			if bytes.Equal(bad, data) {
				t.Fatalf("%q is not in the manifest", tt.from)
			}
			for _, doc := range regexp.MustCompile(`(?m)^---\s*$`).Split(string(bad), -1) {
				if !strings.Contains(doc, "kind: Job") || !strings.Contains(doc, "schoolnet-sweep\n") {
					continue
				}
				if err := yaml.UnmarshalStrict([]byte(doc), &batchv1.Job{}); err == nil {
					t.Errorf("a manifest with a %s decoded without error", tt.name)
				}
			}
		})
	}
}

// TestWaitJobStopsOnFailure runs deploy/k8s/wait-job with a stand-in
// kubectl that reports the Job's conditions: it exits 0 on Complete, 1
// at once on Failed (rather than sitting out its timeout) and 2 on a
// timeout; 3 at once for a Job that does not exist; a kubectl that fails
// otherwise (the API server out of reach) is not a failed Job but a
// timeout (an audit saw wait-job exit 1 on one).
func TestWaitJobStopsOnFailure(t *testing.T) {
	for _, tt := range []struct {
		conditions string
		status     int
	}{
		{"Complete ", 0},
		{"Failed ", 1},
		{"", 2},
		{"UNREACHABLE", 2},
		{"NOTFOUND", 3},
	} {
		bin := t.TempDir()
		kubectl := "#!/bin/sh\ncase \"$*\" in *'status==\"True\"'*) printf '%s' '" + tt.conditions + "' ;; *) echo 'BackoffLimitExceeded: Job has reached the specified backoff limit' ;; esac\n"
		switch tt.conditions {
		case "UNREACHABLE":
			kubectl = "#!/bin/sh\necho 'The connection to the server was refused' >&2\nexit 1\n"
		case "NOTFOUND":
			kubectl = "#!/bin/sh\necho 'Error from server (NotFound): jobs.batch \"schoolnet-sweep\" not found' >&2\nexit 1\n"
		}
		if err := os.WriteFile(bin+"/kubectl", []byte(kubectl), 0o755); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("sh", "./wait-job", "schoolnet-sweep", "0s")
		cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"))
		out, err := cmd.CombinedOutput()
		status := 0
		if ee, ok := err.(*exec.ExitError); ok {
			status = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if status != tt.status {
			t.Errorf("conditions %q: exit %d, want %d\n%s", tt.conditions, status, tt.status, out)
		}
	}
}
