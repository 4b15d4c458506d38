"""Shared facts for the layer-bloat rules (LW2xx), read from the analysis' layer model.

Which layers ship (the image chain), which paths of an artifact stage reach the image (the
sources of the ``COPY --from`` that copy them out), what a later layer does to a path, and words
for the bytes at stake. Nothing here parses text: it reads ``Analysis.layers``.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Hashable, Iterable, Iterator

from ...memo import IdentityMemo
from ...model.analysis import Analysis
from ...model.effects import PathEffect
from ...model.layers import Layer, LayerPackages, LayerPath
from ...model.stages import from_chain
from ...model.variables import expand
from ...record import record, replace
from ...syntax.nodes import Instruction, Token
from ...syntax.span import Position, Span
from ..base import Finding

#: File names that hold an archive, a package or an installer.
ARCHIVES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz",
            ".tar.zst", ".tar.lz4", ".zip", ".7z")
PACKAGES = (".deb", ".rpm", ".apk", ".whl", ".gem", ".jar", ".nupkg")
INSTALLERS = (".run", ".sh", ".exe", ".msi", ".bin")
#: Effect kinds whose bytes are usually large (caches, unpacked trees, repositories).
_LARGE_KINDS = frozenset({"cache", "extract", "clone", "build", "archive"})
#: Directory names that are large by convention when a later layer removes them.
_LARGE_NAMES = frozenset({"node_modules", ".git", ".cache", "target", "dist", "build", "vendor",
                          ".gradle", ".m2", "site-packages", "__pycache__", ".venv", "venv"})
#: Effect kinds that leave (next to) no bytes: an empty directory, file or a link.
EMPTY_KINDS = frozenset({"mkdir", "touch", "link"})
#: File names a directory's contents are tested with: does a removal empty the directory?
_SAMPLES = ("entry", "deb.debian.org_debian_dists_main_binary-amd64_Packages.lz4",
            "APKINDEX.0a1b2c3d.tar.gz", "curl_8.5.0-2_amd64.deb")
_CACHE_NAMES = (
    ("/var/lib/apt/lists", "the apt package lists"),
    ("/var/cache/apt", "the apt package cache"),
    ("/var/cache/apk", "the apk index cache"),
    ("/var/cache/yum", "the yum cache"),
    ("/var/cache/dnf", "the dnf cache"),
    ("/var/cache/libdnf5", "the dnf cache"),
    ("/var/cache/tdnf", "the tdnf cache"),
    ("/var/cache/zypp", "the zypper cache"),
    ("~/.cache/pip", "the pip cache"),
    ("~/.cache/uv", "the uv cache"),
    ("~/.npm", "the npm cache"),
    ("~/.cache/yarn", "the yarn cache"),
    ("/usr/local/share/.cache/yarn", "the yarn cache"),
    ("~/.local/share/pnpm", "the pnpm store"),
)


APT = frozenset({"apt-get", "apt", "aptitude"})
RPM = frozenset({"yum", "dnf", "microdnf", "tdnf"})


@record
class Hit:
    """A path effect of one layer (what a rule reports on, or points at)."""

    layer: Layer
    path: LayerPath


def instruction(analysis: Analysis, layer: Layer) -> Instruction:
    """The instruction that makes a layer."""
    return analysis.instructions[layer.instruction]


def line_of(item: LayerPath | LayerPackages) -> int:
    """The 1-based line a path effect (or package command) is written on, for messages."""
    if isinstance(item, LayerPackages):
        return item.manager_span.start.line + 1
    return item.span.start.line + 1


def layer_line(analysis: Analysis, layer: Layer) -> int:
    """The 1-based line of the instruction that makes a layer."""
    return analysis.instructions[layer.instruction].start_line + 1


def stage_layers(analysis: Analysis, stage: int) -> tuple[Layer, ...]:
    """The layers of one stage, in build order."""
    known = _STAGE_LAYERS.get(analysis, None, dict)
    found = known.get(stage)
    if found is None:
        index = analysis.layer_index
        found = known[stage] = tuple(index[i] for i in analysis.stages[stage].instructions
                                     if i in index)
    return found


def chain_layers(analysis: Analysis) -> tuple[Layer, ...]:
    """The layers of the image chain, in build order (base stages come first in the file)."""
    known = _STAGE_LAYERS.get(analysis, None, dict)
    found = known.get(None)
    if found is None:
        found = known[None] = tuple(layer for stage in sorted(analysis.graph.image_chain)
                                    for layer in stage_layers(analysis, stage))
    return found


#: Per analysis (the last few): the image chain's layers (key None) and each stage's (its index).
_STAGE_LAYERS: IdentityMemo[dict[int | None, tuple[Layer, ...]]] = IdentityMemo(4)


def in_chain(analysis: Analysis, layer: Layer) -> bool:
    """Tell whether a layer is part of the target image."""
    return analysis.graph.in_image(layer.stage)


def lineage(analysis: Analysis, layer: Layer) -> tuple[Layer, ...]:
    """The layers a later instruction of ``layer``'s stage sees: the chain, or the stage."""
    if in_chain(analysis, layer):
        return chain_layers(analysis)
    return stage_layers(analysis, layer.stage)


def chain_findings(analysis: Analysis, rule: str,
                   find: Callable[[Analysis], Iterable[tuple[int, Finding]]]
                   ) -> dict[int, tuple[Finding, ...]]:
    """A rule's findings over the whole image chain (``find`` yields each with its stage), by
    stage, found once per analysis: the lineage of a chain stage holds the whole chain, so a
    stage rule can report its stage's share."""
    return _CHAIN_FINDINGS.get(analysis, rule, _by_stage, find, analysis)


#: Per analysis and rule id: :func:`chain_findings`.
_CHAIN_FINDINGS: IdentityMemo[dict[int, tuple[Finding, ...]]] = IdentityMemo(16)


def _by_stage(find: Callable[[Analysis], Iterable[tuple[int, Finding]]],
              analysis: Analysis) -> dict[int, tuple[Finding, ...]]:
    out: dict[int, list[Finding]] = {}
    for stage, finding in find(analysis):
        out.setdefault(stage, []).append(finding)
    return {stage: tuple(found) for stage, found in out.items()}


def later_layers(analysis: Analysis, layer: Layer) -> Iterator[Layer]:
    """Layers built after ``layer`` on top of it (image chain, or the same artifact stage)."""
    return (other for other in lineage(analysis, layer) if other.instruction > layer.instruction)


def created(analysis: Analysis, layer: Layer) -> tuple[LayerPath, ...]:
    """What a layer creates; ``COPY file .`` lands in the working directory as ``./file``.

    The layer model reads a destination without a trailing slash as the target file name,
    also for ``.`` and ``..``, which always name an existing directory.
    """
    if layer.name not in ("COPY", "ADD"):
        return layer.created
    inst = instruction(analysis, layer)
    tokens: tuple[Token, ...] = inst.exec_args if inst.json else inst.words
    if len(tokens) != 2 or len(layer.created) != 1:
        return layer.created
    dest = tokens[-1].value
    source = tokens[0].value
    made = layer.created[0]
    if posixpath.basename(dest) not in (".", "..") or made.path != posixpath.normpath(
            posixpath.join(layer.workdir, dest)) or made.kind != "copy":
        return layer.created
    name = posixpath.basename(source.rstrip("/"))
    if source.endswith("/") or name in ("", ".", "..") or any(c in source for c in "*?[$"):
        return layer.created
    path = posixpath.join(made.path, name)
    return (LayerPath(replace(made.effect, path=path), made.span),)


def walk(analysis: Analysis) -> tuple[tuple[Layer, tuple[Hit, ...]], ...]:
    """Each layer of the image chain with the paths earlier layers left in the image (and
    still visible); walked once per analysis."""
    return _WALKS.get(analysis, None, _walk, analysis)


#: Per analysis: :func:`walk`.
_WALKS: IdentityMemo[tuple[tuple[Layer, tuple[Hit, ...]], ...]] = IdentityMemo(4)


def _walk(analysis: Analysis) -> tuple[tuple[Layer, tuple[Hit, ...]], ...]:
    out = []
    live: list[Hit] = []
    for layer in chain_layers(analysis):
        out.append((layer, tuple(live)))
        live = [h for h in live if not _gone(h, layer)]
        live.extend(_KEPT.get(layer, None, _kept_hits, analysis, layer,
                              also=(instruction(analysis, layer),)))
    return tuple(out)


#: Per layer (and its instruction): what it leaves in the image, for :func:`walk`.
_KEPT: IdentityMemo[tuple[Hit, ...]] = IdentityMemo(1 << 14)


def _kept_hits(analysis: Analysis, layer: Layer) -> tuple[Hit, ...]:
    return tuple(Hit(layer, p) for p in created(analysis, layer) if _kept(layer, p))


def _gone(producer: Hit, layer: Layer) -> bool:
    """Tell whether a layer removes (or moves away) all of a produced path."""
    path = producer.path
    return any(removes(r.effect, path.path, path.effect.recursive) for r in layer.removed)


def _kept(layer: Layer, path: LayerPath) -> bool:
    """Tell whether a created path still exists when its layer is committed."""
    if path.kind in EMPTY_KINDS or not path.effect.exact:
        return False
    return not any(r.span.start > path.span.start and removes(r.effect, path.path,
                                                              path.effect.recursive)
                   for r in layer.removed)


def below(producer: Hit, path: str) -> bool:
    """Tell whether ``path`` lies inside a produced tree (not the tree itself)."""
    made = producer.path
    return (made.effect.recursive and made.path not in ("/", path)
            and made.effect.covers(path))


# -- what reaches the image ---------------------------------------------------------------------


def _region(path: str) -> PathEffect:
    """A path (maybe a glob) that reaches the image together with everything below it."""
    return PathEffect(path, "region", -1, 0, 0, True, True)


def overlaps(region: str, path: str, recursive: bool = True) -> bool:
    """Tell whether ``path`` (a directory when ``recursive``) and ``region`` share files."""
    if _region(region).covers(path):
        return True
    return recursive and path != "/" and _region(path).covers(region)


def copy_sources(analysis: Analysis, index: int) -> tuple[str, ...]:
    """The absolute source paths of a ``COPY --from`` (relative ones start at the stage root)."""
    inst = analysis.instructions[index]
    tokens: tuple[Token, ...] = inst.exec_args if inst.json else inst.words
    scope = analysis.scopes[index]
    escape = analysis.dockerfile.escape
    return tuple(posixpath.normpath(posixpath.join("/", expand(t.value, scope, escape).value))
                 for t in tokens[:-1])


#: Shipped regions per structure and ``COPY --from`` layers, with :func:`shipping` of them.
_REGIONS: IdentityMemo[tuple[dict[int, frozenset[str]], Hashable]] = IdentityMemo(64)
#: The last analyses' shipped regions (every LW2xx rule asks for them).
_REGIONS_OF: IdentityMemo[tuple[dict[int, frozenset[str]], Hashable]] = IdentityMemo(4)
#: Per structure: the instructions of the ``COPY --from`` that name a stage.
_COPIES: IdentityMemo[tuple[int, ...]] = IdentityMemo(64)


def shipped_regions(analysis: Analysis) -> dict[int, frozenset[str]]:
    """Per stage, the paths of its filesystem that reach the image.

    Image-chain stages ship everything (``/``). An artifact stage ships the sources that a
    shipping stage copies out of it with ``COPY --from`` (where the copy lands in a shipping
    path), and what ships from a stage built ``FROM`` it.
    """
    return _REGIONS_OF.get(analysis, None, _regions, analysis)[0]


def shipping(analysis: Analysis) -> Hashable:
    """What the findings of artifact stages read beyond their lineage: the regions of every
    artifact stage (they depend on the stages that copy from it and on their working
    directories). The same object while those do not change: a cheap memo context."""
    return _REGIONS_OF.get(analysis, None, _regions, analysis)[1]


def _regions(analysis: Analysis) -> tuple[dict[int, frozenset[str]], Hashable]:
    """Shipped regions and their :func:`shipping` context, reused while the structure and the
    layers of the ``COPY --from`` hold (nothing else goes into them)."""
    structure = analysis.revision.structure
    copies = _COPIES.get(structure, None, _copy_instructions, analysis)
    layers = tuple(analysis.layer_index.get(i) for i in copies)
    return _REGIONS.get(structure, None, _shipping, analysis, also=layers)


def _copy_instructions(analysis: Analysis) -> tuple[int, ...]:
    return tuple(ref.instruction for ref in analysis.refs
                 if ref.kind == "copy" and ref.target is not None)


def _shipping(analysis: Analysis) -> tuple[dict[int, frozenset[str]], Hashable]:
    regions = _shipped_regions(analysis)
    graph = analysis.graph
    return regions, frozenset((stage, region) for stage, region in regions.items()
                              if graph.is_artifact(stage))


def _shipped_regions(analysis: Analysis) -> dict[int, frozenset[str]]:
    """``shipped_regions`` without the cache."""
    stages = analysis.stages
    regions: dict[int, set[str]] = {s.index: set() for s in stages}
    for index in analysis.graph.image_chain:
        regions[index].add("/")
    below: dict[int, set[int]] = {s.index: set() for s in stages}  # stages built on each
    for stage in stages:
        for ancestor in from_chain(stages, stage.index)[1:]:
            below[ancestor].add(stage.index)

    def effective(index: int) -> set[str]:
        out = set(regions[index])
        for other in below[index]:
            out |= regions[other]
        return out

    copies = [(ref, analysis.layer_at(ref.instruction)) for ref in analysis.refs
              if ref.kind == "copy" and ref.target is not None]
    changed = True
    while changed:
        changed = False
        for ref, layer in copies:
            if layer is None or ref.target is None or not 0 <= ref.stage < len(stages):
                continue
            reach = effective(ref.stage)
            if not any(overlaps(r, p.path) for r in reach for p in layer.created):
                continue
            for source in copy_sources(analysis, ref.instruction):
                if source not in regions[ref.target]:
                    regions[ref.target].add(source)
                    changed = True
    return {s.index: frozenset(effective(s.index)) for s in stages}


def ships(analysis: Analysis, layer: Layer, path: str, recursive: bool = True) -> bool:
    """Tell whether a path a layer leaves behind reaches the target image."""
    if in_chain(analysis, layer):
        return True
    if not analysis.graph.is_artifact(layer.stage):
        return False
    return any(overlaps(r, path, recursive)
               for r in shipped_regions(analysis).get(layer.stage, ()))


def leftover(analysis: Analysis, layer: Layer) -> bool:
    """Tell whether a layer is a RUN whose leftovers may reach the image: in the image chain
    or in an artifact stage."""
    graph = analysis.graph
    return layer.name == "RUN" and (graph.in_image(layer.stage) or graph.is_artifact(layer.stage))


def artifact_note(analysis: Analysis, layer: Layer) -> str:
    """A message suffix for leftovers of an artifact stage that the image copies."""
    if in_chain(analysis, layer):
        return ""
    stage = analysis.stages[layer.stage]
    return f" (the image copies it from stage {stage.label})"


def words_of(layer: Layer) -> Iterator[str]:
    """The static words of a RUN's commands, heredoc bodies fed to them included."""
    for source in layer.sources:
        for command in source.script.commands:
            for word in (command.name, *command.args, *(r.body for r in command.redirects)):
                if word is not None and word.value:
                    yield word.value


# -- package-manager commands -------------------------------------------------------------------


def family(manager: str) -> str | None:
    """The package-manager family whose index and cache a manager shares."""
    if manager in APT:
        return "apt"
    if manager in RPM:
        return "rpm"
    return manager if manager in ("apk", "zypper") else None


def index_update(package: LayerPackages) -> bool:
    """Tell whether a command only refreshes a package index (``apt-get update``)."""
    op = package.op
    kind = family(op.manager)
    if kind == "rpm":
        return op.action == "makecache"
    return kind is not None and op.action == "update"


def lone_update(analysis: Analysis, layer: Layer) -> tuple[
        LayerPackages, Layer, LayerPackages] | None:
    """For an image-chain RUN whose package commands only refresh an index: the first later
    install that relies on that index (no refresh of its own before it), with its layer."""
    if layer.name != "RUN" or not layer.packages or not in_chain(analysis, layer):
        return None
    if not all(index_update(p) for p in layer.packages):
        return None
    update = layer.packages[0]
    kind = family(update.op.manager)
    for other in later_layers(analysis, layer):
        for package in other.packages:
            if family(package.op.manager) != kind:
                continue
            if index_update(package):
                return None
            if package.op.action in ("install", "add", "upgrade"):
                return update, other, package
    return None


def relies_on_index(analysis: Analysis, layer: Layer, kind: str) -> bool:
    """Tell whether a later RUN installs with ``kind``'s index without refreshing it first
    (so removing this layer's index would break it)."""
    for other in later_layers(analysis, layer):
        for package in other.packages:
            op = package.op
            if family(op.manager) != kind:
                continue
            if index_update(package) or (kind == "apk" and op.has_flag(
                    "--no-cache", "--update", "--update-cache", "-U")):
                break
            if op.action in ("install", "add", "upgrade"):
                return True
    return False


def op_span(package: LayerPackages) -> Span:
    """``apt-get install`` as one range when both words share a line, else the manager word."""
    action = package.action_span
    if action is not None and action.start.line == package.manager_span.end.line:
        return Span(package.manager_span.start, action.end)
    return package.manager_span


def op_cache(layer: Layer, package: LayerPackages) -> LayerPath | None:
    """The cache a package command fills in this layer (None: disabled, or on a mount)."""
    return next((p for p in layer.created
                 if p.kind == "cache" and p.span == package.manager_span), None)


def shipped_cache(analysis: Analysis, layer: Layer, package: LayerPackages) -> LayerPath | None:
    """The cache a package command fills, when nothing empties it and it reaches the image."""
    cache = op_cache(layer, package)
    if cache is None or cleaned(analysis, layer, cache):
        return None
    return cache if ships(analysis, layer, cache.path) else None


def cache_left_message(analysis: Analysis, layer: Layer, package: LayerPackages,
                       cache: LayerPath) -> str:
    """The message of a package cache left in a layer."""
    return (f"{cache_name(cache.path)} filled at line {line_of(package)} stays in "
            f"{cache.path} in this layer{artifact_note(analysis, layer)}")


def after(layer: Layer, package: LayerPackages) -> Iterator[LayerPackages]:
    """The package commands of a layer written after ``package``."""
    return (p for p in layer.packages if p.manager_span.start > package.manager_span.start)


def cleaned(analysis: Analysis, layer: Layer, cache: LayerPath, also: Iterable[str] = (),
            kinds: Iterable[str] | None = None) -> bool:
    """Tell whether a cache is emptied after it is filled (same RUN, by a removal of one of
    ``kinds``) or by a later layer."""
    paths = (cache.path, *also)
    if any(removal_in(layer, p, True, cache.span.start, kinds) is not None for p in paths):
        return True
    return any(removed_later(analysis, layer, p, True) is not None for p in paths)


# -- removals -------------------------------------------------------------------------------------


def _home_tail(path: str) -> str | None:
    """The part of a path below a home directory (``/root/x`` or ``/home/u/x`` give ``x``)."""
    if path.startswith("/root/"):
        return path[len("/root/"):]
    if path.startswith("/home/"):
        rest = path[len("/home/"):]
        user, sep, tail = rest.partition("/")
        return tail if sep and user and tail else None
    return None


def removes(removal: PathEffect, path: str, recursive: bool) -> bool:
    """Tell whether a removal deletes ``path`` (or, for a directory, everything in it).

    Paths below a home directory match across homes: the model only knows ``$HOME`` from ENV,
    so ``~/.npm`` of ``USER node`` may be modelled under ``/root``.
    """
    if _removes(removal, path, recursive):
        return True
    mine, theirs = _home_tail(removal.path), _home_tail(path)
    if mine is None or theirs is None:
        return False
    pattern, target = "/root/" + mine, "/root/" + theirs
    if (pattern, target) == (removal.path, path):
        return False
    return _removes(replace(removal, path=pattern), target, recursive)


def _removes(removal: PathEffect, path: str, recursive: bool) -> bool:
    """``removes`` without the home-directory matching."""
    if removal.covers(path):
        return True
    return recursive and any(removal.covers(f"{path.rstrip('/')}/{name}") for name in _SAMPLES)


def removal_in(layer: Layer, path: str, recursive: bool, after: Position | None = None,
               kinds: Iterable[str] | None = None) -> LayerPath | None:
    """The first removal of ``path`` in a layer (written after ``after``, if given)."""
    allowed = frozenset(kinds) if kinds is not None else None
    for removal in layer.removed:
        if removal.kind == "move" or (allowed is not None and removal.kind not in allowed):
            continue
        if after is not None and removal.span.start <= after:
            continue
        if removes(removal.effect, path, recursive):
            return removal
    return None


def removed_later(analysis: Analysis, layer: Layer, path: str, recursive: bool) -> Hit | None:
    """The first later layer (of the chain, or of the artifact stage) that removes ``path``."""
    for other in later_layers(analysis, layer):
        found = removal_in(other, path, recursive)
        if found is not None:
            return Hit(other, found)
    return None


def mounted_at(layer: Layer, fragments: Iterable[str], types: Iterable[str] = (
        "cache", "tmpfs", "bind")) -> bool:
    """Tell whether a mount of one of ``types`` has a target containing one of ``fragments``."""
    kinds = set(types)
    return any(m.type in kinds and m.target and any(f in m.target for f in fragments)
               for m in layer.mounts)


# -- words for the bytes at stake -----------------------------------------------------------------


def file_class(path: str) -> str:
    """``archive``, ``package``, ``installer`` or ``file``, from the file name."""
    name = posixpath.basename(path).lower()
    if name.endswith(ARCHIVES) or ".tar." in name:
        return "archive"
    if name.endswith(PACKAGES):
        return "package"
    if name.endswith(INSTALLERS):
        return "installer"
    return "file"


def cache_name(path: str) -> str:
    """What a package-manager cache directory is called in messages."""
    tail = _home_tail(path)
    for root, name in _CACHE_NAMES:
        if root.startswith("~/"):
            if tail is not None and (tail + "/").startswith(root[2:] + "/"):
                return name
        elif (path + "/").startswith(root + "/"):
            return name
    return "the package cache"


def describe(path: LayerPath, layer: Layer, at: bool = True) -> str:
    """Name the bytes a path effect stands for: "the archive downloaded at line 4"."""
    where = f" at line {line_of(path)}" if at else ""
    kind = path.kind
    if kind == "cache":
        return f"{cache_name(path.path)} written{where}"
    if kind == "download":
        return f"the {file_class(path.path)} downloaded{where}"
    if kind == "extract":
        return f"the files extracted{where}"
    if kind == "clone":
        return f"the repository cloned{where}"
    if kind == "build":
        return f"the build output written{where}"
    if kind == "archive":
        return f"the archive created{where}"
    if layer.name in ("COPY", "ADD"):
        what = file_class(path.path)
        single = "." in posixpath.basename(path.path).lstrip(".")
        noun = what if what in ("archive", "package") else "file" if single else "files"
        verb = "added" if layer.name == "ADD" else "copied"
        return f"the {noun} {verb}{where}"
    if kind in ("copy", "move"):
        return f"the copy made{where}"
    return f"the file written{where}"


def stays(path: LayerPath, layer: Layer) -> str:
    """``describe`` plus the verb that agrees with it: "the files copied at line 3 stay"."""
    text = describe(path, layer)
    plural = text.startswith(("the files", "the apt package lists"))
    return f"{text} {'stay' if plural else 'stays'}"


def is_large(path: LayerPath, removal: str | None = None) -> bool:
    """Tell whether a path's bytes are likely large (caches, archives, toolchains, trees)."""
    if path.kind in _LARGE_KINDS:
        return True
    if file_class(path.path) in ("archive", "package"):
        return True
    if path.kind == "download" and file_class(path.path) == "installer":
        return posixpath.splitext(path.path)[1] in (".run", ".exe", ".msi", ".bin")
    names = set(path.path.split("/"))
    if removal is not None:
        names |= set(removal.split("/"))
    return bool(names & _LARGE_NAMES)


def stage_chain_base(analysis: Analysis) -> str:
    """The external image the image chain starts from (lower-cased), or ``""``."""
    chain = analysis.graph.image_chain
    if not chain:
        return ""
    return analysis.stages[chain[-1]].base.lower()
