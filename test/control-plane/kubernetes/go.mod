// The upstream control plane the tests run on: kube-apiserver and
// kube-controller-manager of one pinned release. The build adds a replace line for
// every k8s.io staging module, read from this release's own go.mod (see ../build.ts);
// nothing else is fetched but modules from the module proxy.
module jobx.test/control-plane/kubernetes

go 1.24.0

require k8s.io/kubernetes v1.33.13

tool (
	k8s.io/kubernetes/cmd/kube-apiserver
	k8s.io/kubernetes/cmd/kube-controller-manager
)
