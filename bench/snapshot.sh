# Sourced by the benchmark scripts: snapshot_classpath DIR copies rpc-benchmark's classes and every class directory
# of rpc-benchmark/target/classpath.txt (the Tern modules' target/classes) into DIR and sets CP to the snapshot plus
# the jars, so a concurrent build in this tree cannot swap code under a running benchmark.
snapshot_classpath() {
  local snap=$1 e name
  mkdir -p "$snap"
  cp -r rpc-benchmark/target/classes "$snap/rpc-benchmark"
  CP="$snap/rpc-benchmark"
  local -a entries
  IFS=':' read -r -a entries < rpc-benchmark/target/classpath.txt || true  # the file has no trailing newline
  for e in "${entries[@]}"; do
    if [[ -d "$e" ]]; then
      name=$(basename "$(dirname "$(dirname "$e")")")
      cp -r "$e" "$snap/$name" && CP="$CP:$snap/$name"
    else
      CP="$CP:$e"
    fi
  done
}
