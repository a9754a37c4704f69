// etcd for the control plane, in a module of its own: the Kubernetes release above
// pins etcd 3.5 libraries, and one module cannot hold both.
module jobx.test/control-plane/etcd

go 1.24.0

require go.etcd.io/etcd/server/v3 v3.6.16

tool go.etcd.io/etcd/server/v3
