# A single-node Slurm cluster for tests, sourced by them: start_cluster DIR writes a munge key
# and a slurm.conf under DIR, starts munged, slurmctld and slurmd on this machine with them (no
# system files touched, free ports), and waits until the node takes jobs; stop_cluster stops
# exactly the daemons it started, by their process ids. Both need root, as slurmd does, and the
# slurm-wlm and munge packages (scripts/install-deps.sh installs them). A cluster that does not
# come up is an error, never a skip: the caller's test fails with the daemons' logs.

cluster_log_tail() {
    for log in "$CLUSTER_DIR"/munged.log "$CLUSTER_DIR"/slurmctld.log "$CLUSTER_DIR"/slurmd.log; do
        [ -f "$log" ] && { echo "--- $log"; tail -n 15 "$log"; }
    done >&2
}

free_port() {  # a port nothing listens on (by /proc/net/tcp)
    local port
    while :; do
        port=$(shuf -i 20000-59999 -n 1)
        grep -qi ":$(printf '%04X' "$port") " /proc/net/tcp /proc/net/tcp6 2> /dev/null || break
    done
    echo "$port"
}

start_cluster() {
    CLUSTER_DIR=$1
    for tool in munged mungekey slurmctld slurmd sbatch squeue scontrol; do
        if ! command -v "$tool" > /dev/null && [ ! -x "/usr/sbin/$tool" ]; then
            echo "cluster: $tool is not installed; run scripts/install-deps.sh" >&2
            return 1
        fi
    done
    if [ "$(id -u)" -ne 0 ]; then
        echo "cluster: slurmd must run as root to start jobs; run the tests as root" >&2
        return 1
    fi
    PATH=$PATH:/usr/sbin
    mkdir -p "$CLUSTER_DIR"/munge "$CLUSTER_DIR"/state "$CLUSTER_DIR"/spool
    chmod 700 "$CLUSTER_DIR"/munge
    mungekey --create --keyfile="$CLUSTER_DIR"/munge/munge.key --force 2> /dev/null ||
        { dd if=/dev/urandom of="$CLUSTER_DIR"/munge/munge.key bs=1024 count=1 2> /dev/null; }
    chmod 400 "$CLUSTER_DIR"/munge/munge.key
    local socket="$CLUSTER_DIR"/munge/munge.socket
    munged --force --key-file="$CLUSTER_DIR"/munge/munge.key --socket="$socket" \
        --pid-file="$CLUSTER_DIR"/munged.pid --log-file="$CLUSTER_DIR"/munged.log \
        --seed-file="$CLUSTER_DIR"/munge/munge.seed || { cluster_log_tail; return 1; }
    local host cpus memory
    host=$(hostname -s)
    cpus=$(nproc)
    memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
    cat > "$CLUSTER_DIR"/slurm.conf <<CONF
ClusterName=specrestest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
StateSaveLocation=$CLUSTER_DIR/state
SlurmdSpoolDir=$CLUSTER_DIR/spool
SlurmctldPidFile=$CLUSTER_DIR/slurmctld.pid
SlurmdPidFile=$CLUSTER_DIR/slurmd.pid
SlurmctldLogFile=$CLUSTER_DIR/slurmctld.log
SlurmdLogFile=$CLUSTER_DIR/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
MpiDefault=none
ReturnToService=2
MinJobAge=600
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
    export SLURM_CONF="$CLUSTER_DIR"/slurm.conf
    slurmctld -i -f "$SLURM_CONF" || { cluster_log_tail; return 1; }
    slurmd -f "$SLURM_CONF" || { cluster_log_tail; return 1; }
    # The node is up when slurmctld reports it idle.
    for _ in $(seq 1 60); do
        if sinfo -h -o '%T' 2> /dev/null | grep -q '^idle'; then return 0; fi
        sleep 1
    done
    echo "cluster: the node did not become idle within 60 s:" >&2
    sinfo >&2 || true
    cluster_log_tail
    return 1
}

stop_cluster() {
    [ -n "${CLUSTER_DIR:-}" ] || return 0
    for daemon in slurmd slurmctld munged; do
        local pidfile="$CLUSTER_DIR/$daemon.pid"
        [ -f "$pidfile" ] || continue
        local pid
        pid=$(cat "$pidfile")
        kill "$pid" 2> /dev/null || continue
        for _ in $(seq 1 50); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2> /dev/null || true
    done
}

# Waits until no job of this cluster is pending or running (at most $2 seconds).
wait_for_jobs() {
    local limit=${1:-600}
    for _ in $(seq 1 "$limit"); do
        [ -z "$(squeue -h -o '%i' 2> /dev/null)" ] && return 0
        sleep 1
    done
    echo "cluster: jobs still queued after $limit s:" >&2
    squeue >&2
    return 1
}
