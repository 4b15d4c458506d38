"""LW2xx: layer bloat, bytes that ship although nobody needs them."""

from __future__ import annotations

from ..base import Rule
from .lw201_deleted_in_later_layer import DeletedInLaterLayer
from .lw202_modified_in_later_layer import ModifiedInLaterLayer
from .lw203_download_not_cleaned import DownloadNotCleaned
from .lw204_apt_lists_not_removed import AptListsNotRemoved
from .lw205_apt_install_recommends import AptInstallRecommends
from .lw206_apk_cache import ApkCache
from .lw207_pip_cache import PipCache
from .lw208_rpm_cache import RpmCache
from .lw209_js_package_cache import JsPackageCache
from .lw210_update_without_install import UpdateWithoutInstall
from .lw211_toolchain_in_final_image import ToolchainInFinalImage
from .lw212_context_copy_before_deps import ContextCopyBeforeDeps
from .lw213_add_remote_url import AddRemoteUrl
from .lw214_add_local_file import AddLocalFile
from .lw215_archive_copied_then_extracted import ArchiveCopiedThenExtracted
from .lw216_copy_whole_filesystem import CopyWholeFilesystem
from .lw217_useradd_large_uid import UseraddLargeUid

RULES: tuple[Rule, ...] = (
    DeletedInLaterLayer(),
    ModifiedInLaterLayer(),
    DownloadNotCleaned(),
    AptListsNotRemoved(),
    AptInstallRecommends(),
    ApkCache(),
    PipCache(),
    RpmCache(),
    JsPackageCache(),
    UpdateWithoutInstall(),
    ToolchainInFinalImage(),
    ContextCopyBeforeDeps(),
    AddRemoteUrl(),
    AddLocalFile(),
    ArchiveCopiedThenExtracted(),
    CopyWholeFilesystem(),
    UseraddLargeUid(),
)
