/** Memory, disk, inodes and kernel OOM kills. */

export interface MemInfo {
  memTotalBytes: number;
  memAvailableBytes: number;
  /** MemAvailable / MemTotal in percent, one decimal. */
  availablePercent: number;
  swapTotalBytes: number;
  swapFreeBytes: number;
}

export interface DiskUsageFact {
  mount: string;
  filesystem: string;
  usedPercent: number;
  sizeBytes: number;
  availBytes: number;
}

export interface InodeUsageFact {
  mount: string;
  filesystem: string;
  usedPercent: number;
  inodes: number;
  inodesFree: number;
}

export interface DiskOkFact {
  mounts: number;
  mount?: string;
  filesystem?: string;
  usedPercent?: number;
  inodeMount?: string;
  inodeUsedPercent?: number;
}

export interface OomKillFact {
  pid: number;
  process: string;
  /** Killed because a memory cgroup (a unit's MemoryMax, a container limit) was full. */
  cgroup: boolean;
  time?: string;
  /** `task_memcg=` of the kill, e.g. `/system.slice/php8.2-fpm.service`. */
  taskMemcg?: string;
  /** The systemd unit that cgroup is (relative to the host's own root), when it is one. */
  unit?: string;
  /** The kill was in a cgroup outside this host's own (another container of the same kernel). */
  foreign?: boolean;
}

export interface OomWindowFact {
  minutes: number;
  source?: 'journal' | 'dmesg';
}

export interface OomMoreFact {
  total: number;
  shown: number;
}
