"""One typed settings object, read from the environment (and `.env`)."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIME_EXTENSIONS: dict[str, str] = {
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    "video/webm": "webm",
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # Google Cloud
    google_cloud_project: str = Field("reels-local", description="Project id.")
    upload_bucket: str = Field("reels-uploads", description="Bucket the browser uploads to.")
    upload_prefix: str = Field("uploads/", description="Object prefix of uploads.")
    results_prefix: str = Field(
        "results/", description="Object prefix of storyboard frames (never analysed)."
    )
    frame_url_ttl_sec: int = Field(3600, ge=60, le=7 * 24 * 3600)
    jobs_collection: str = "jobs"  # public job documents; the private ones: below
    quotas_collection: str = "quotas"

    # Public surface
    frontend_url: str = Field(
        "http://127.0.0.1:8000,http://localhost:8000",
        description="Comma-separated origins allowed by CORS.",
    )
    status_base_url: str = Field(
        "http://127.0.0.1:8082", description="Public URL of the status function."
    )

    # Limits (the seed's)
    max_file_size_mb: int = Field(100, ge=1)
    max_video_duration_sec: int = Field(180, ge=1)
    signed_url_ttl_sec: int = Field(900, ge=60, le=900)
    job_ttl_days: int = Field(7, ge=1)

    # Signing: a key file locally, IAM signBlob on Cloud Functions.
    signing_key_file: str | None = None
    signing_service_account: str | None = None
    storage_public_url: str | None = Field(
        None, description="Base URL of signed URLs (the emulator's, locally)."
    )

    # Analysis
    analyzer: Literal["auto", "gemini", "offline"] = "auto"
    gemini_api_key: str | None = None
    gemini_base_url: str | None = None
    # Models: shared/analyzers/gemini/models.py says why these and where it was read.
    gemini_model: str = Field("gemini-3.8-flash", pattern=r"^[a-z0-9][a-z0-9.-]*$")
    gemini_fallback_models: str = Field(
        "gemini-3.7-flash,gemini-3.5-flash-lite",
        description="Tried in order, once each, when the model before is misconfigured.",
    )
    gemini_api_version: Literal["v1beta", "v1alpha", "v1"] = Field(
        "v1beta", description="Developer API version (clips and per-part resolution: v1beta)."
    )
    gemini_thinking_level: Literal["minimal", "low", "medium", "high"] | None = "low"
    gemini_media_resolution: Literal["low", "medium", "high"] | None = None
    gemini_hook_media_resolution: Literal["low", "medium", "high"] | None = "high"
    gemini_fps: float | None = Field(None, gt=0, le=24)
    gemini_timeout_sec: int = 300
    gemini_max_output_tokens: int = Field(
        16_384,
        ge=1,
        le=65_536,  # Gemini 3 Flash's and 2.5's output limit (Google's model pages)
        description="maxOutputTokens of each call (thinking included): caps its cost.",
    )
    gemini_retries: int = 4
    gemini_quota_wait_sec: float = Field(
        30, ge=0, description="Longest 429 RetryInfo delay waited in-process (longer: redelivery)."
    )
    gemini_file_source: Literal["auto", "register", "upload"] = Field(
        "auto",
        description="API key: register the Cloud Storage object (no re-upload) or upload it; "
        "auto registers on Google Cloud and uploads with the storage emulator.",
    )
    gemini_align_to_cuts: bool = True
    google_genai_use_vertexai: bool = False
    google_cloud_location: str = "global"
    result_cache: bool = Field(True, description="Same bytes, settings, topic: stored result.")
    cache_collection: str = "result_cache"
    reels_cpu_isa: Literal["GENERIC", "AVX", "AVX2", "AVX512"] = Field(
        "AVX2",
        description="Instruction set of every numeric library of the analysis "
        "(shared/core/cpu.py; read from the environment when `shared` is imported).",
    )

    # Users and quotas (per UTC day): checked before any URL is signed.
    quota_user_daily: int = Field(10, ge=0, description="Videos a day per user.")
    quota_ip_daily: int = Field(30, ge=0, description="Videos a day per client address.")
    quota_service_daily: int = Field(1000, ge=0, description="Videos a day for everyone.")
    quota_service_tokens: int = Field(
        0, ge=0, description="Gemini tokens a day for everyone; 0 = no cap."
    )
    app_check_enforce: bool = Field(
        False, description="upload_url also needs a Firebase App Check token (X-Firebase-AppCheck)."
    )
    google_cloud_project_number: str = Field(
        "", description="The project's number (App Check tokens name it)."
    )
    trusted_proxy_hops: int = Field(
        1,
        ge=0,
        description="Proxies that append to X-Forwarded-For (Google's front end: 1); "
        "0 = the connection's own address.",
    )

    # Delivery
    claim_lease_sec: int = Field(
        90, ge=1, description="A claim's lease; the worker renews it every third of it."
    )
    max_attempts: int = Field(5, ge=1)
    uploads_topic: str = Field("uploads", description="Topic of the bucket's notifications.")
    sweep_batch: int = Field(200, ge=1, description="Jobs and objects one sweep looks at.")
    log_level: str = "INFO"

    @field_validator("upload_prefix", "results_prefix")
    @classmethod
    def _prefix_ends_with_slash(cls, value: str) -> str:
        return value if value.endswith("/") else value + "/"

    @property
    def private_jobs_collection(self) -> str:
        """Each job's private document (owner, file name, claim...): firestore.rules
        lets only its owner read it."""
        return f"{self.jobs_collection}_private"

    @property
    def max_file_size_bytes(self) -> int:
        return self.max_file_size_mb * 1024 * 1024

    @property
    def allowed_origins(self) -> list[str]:
        return [o.strip().rstrip("/") for o in self.frontend_url.split(",") if o.strip()]

    @property
    def gemini_models(self) -> list[str]:
        """The configured model, then the fallbacks, each once."""
        names = [self.gemini_model, *self.gemini_fallback_models.split(",")]
        return list(dict.fromkeys(n.strip() for n in names if n.strip()))

    @property
    def uses_gemini(self) -> bool:
        if self.analyzer == "offline":
            return False
        if self.analyzer == "gemini":
            return True
        return bool(self.gemini_api_key) or self.google_genai_use_vertexai


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
