# DO NOT DEPLOY. The "orders" application on Google Cloud Functions, deliberately insecure:
# every flaw is marked with a comment that starts with the rule ID that reports it.
# All credentials below are fake example values.

variable "project" {
  default = "acme-orders"
}

variable "region" {
  default = "europe-west1"
}

# ------------------------------------------------------------------ code

data "archive_file" "src" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/build/orders.zip"
}

resource "google_storage_bucket" "code" {
  name     = "acme-orders-code"
  location = "EU"
}

resource "google_storage_bucket_object" "src" {
  name   = "orders-${data.archive_file.src.output_md5}.zip"
  bucket = google_storage_bucket.code.name
  source = data.archive_file.src.output_path
}

# ------------------------------------------------------------------ data

resource "google_sql_database_instance" "orders" {
  name             = "orders"
  database_version = "POSTGRES_15"
  region           = var.region
  settings {
    tier = "db-f1-micro"
    ip_configuration {
      ipv4_enabled    = false
      private_network = "projects/acme-orders/global/networks/default"
    }
  }
}

resource "google_storage_bucket" "images" {
  name     = "acme-orders-images"
  location = "EU"
}

resource "google_pubsub_topic" "fulfilment" {
  name = "fulfilment"
}

# ------------------------------------------------------------------ api (1st gen, HTTP)

# IAM006: no service_account_email, so it runs as the App Engine default service account.
resource "google_cloudfunctions_function" "api" {
  name                  = "api"
  project               = var.project
  region                = var.region
  runtime               = "python39" # PKG009: Python 3.9 is deprecated (no security patches)
  entry_point           = "handle"
  trigger_http          = true
  source_archive_bucket = google_storage_bucket.code.name
  source_archive_object = google_storage_bucket_object.src.name
  # EXP006: no https_trigger_security_level, so the API applies SECURE_OPTIONAL (plain HTTP).
  # EXP005: ingress_settings defaults to ALLOW_ALL and no load balancer / Cloud Armor is in front.
  # LIM005: no max_instances on a public function.
  # SEC002: no kms_key_name (CMEK).
  # NET001: the Cloud SQL instance has only a private IP and there is no vpc_connector.
  environment_variables = {
    DB_HOST           = google_sql_database_instance.orders.private_ip_address
    DB_PASSWORD       = "Orders-Pr0d-2024!x7Qm"                # SEC001
    STRIPE_SECRET_KEY = "sk_live_51Hq3kTqL9vXw2ZyB7nR4mPaC8dE6fG0hJ" # SEC001
  }
}

# EXP002: anyone on the internet may invoke the api.
resource "google_cloudfunctions_function_iam_member" "api_public" {
  project        = var.project
  region         = var.region
  cloud_function = google_cloudfunctions_function.api.name
  role           = "roles/cloudfunctions.invoker"
  member         = "allUsers"
}

# ------------------------------------------------------------------ uploads (2nd gen, Storage)

resource "google_service_account" "orders" {
  account_id = "orders-fn"
  project    = var.project
}

# IAM001: the functions' service account is an editor of the whole project.
resource "google_project_iam_member" "orders_editor" {
  project = var.project
  role    = "roles/editor"
  member  = "serviceAccount:${google_service_account.orders.email}"
}

# RUN001: the uploads function writes thumbnails into the bucket that triggers it.
resource "google_storage_bucket_iam_member" "orders_images" {
  bucket = google_storage_bucket.images.name
  role   = "roles/storage.objectAdmin"
  member = "serviceAccount:${google_service_account.orders.email}"
}

# IAM005: one service account for uploads and worker.
resource "google_cloudfunctions2_function" "uploads" {
  name     = "uploads"
  project  = var.project
  location = var.region

  build_config {
    runtime     = "python312"
    entry_point = "thumbnail"
    source {
      storage_source {
        bucket = google_storage_bucket.code.name
        object = google_storage_bucket_object.src.name
      }
    }
  }

  service_config {
    available_memory      = "1Gi"
    timeout_seconds       = 900 # LIM002: event-driven 2nd gen functions stop at 540 s
    service_account_email = google_service_account.orders.email
  }

  event_trigger {
    event_type = "google.cloud.storage.object.v1.finalized"
    event_filters {
      attribute = "bucket"
      value     = google_storage_bucket.images.name
    }
  }
}

# ------------------------------------------------------------------ webhook (2nd gen, HTTP)

# IAM006: no service_account_email, so it runs as the Compute Engine default service account.
resource "google_cloudfunctions2_function" "webhook" {
  name     = "webhook"
  project  = var.project
  location = var.region

  build_config {
    runtime     = "nodejs22"
    entry_point = "webhook"
    source {
      storage_source {
        bucket = google_storage_bucket.code.name
        object = google_storage_bucket_object.src.name
      }
    }
  }

  # EXP005, LIM005: ALLOW_ALL, no Cloud Armor, no max_instance_count.
  service_config {
    available_memory = "256M"
    environment_variables = {
      PAYMENT_API_KEY = "pk_prod_9fJ2kQ7xLm4Rt8Vw3Zb6Nc1Hd5Sg0Ya" # SEC001, SEC002
    }
  }
}

# EXP002: invoking a 2nd gen function is invoking its Cloud Run service.
resource "google_cloud_run_v2_service_iam_member" "webhook_public" {
  project  = var.project
  location = var.region
  name     = google_cloudfunctions2_function.webhook.name
  role     = "roles/run.invoker"
  member   = "allUsers"
}

# ------------------------------------------------------------------ worker (1st gen, Pub/Sub)

resource "google_cloudfunctions_function" "worker" {
  name                  = "worker"
  project               = var.project
  region                = var.region
  runtime               = "python312"
  entry_point           = "fulfil"
  service_account_email = google_service_account.orders.email # IAM001, IAM005
  timeout               = 600                                  # LIM002: 1st gen stops at 540 s
  max_instances         = 5
  source_archive_bucket = google_storage_bucket.code.name
  source_archive_object = google_storage_bucket_object.src.name

  secret_environment_variables {
    key        = "DB_PASSWORD"
    project_id = var.project
    secret     = "orders-db-password"
    version    = "latest"
  }

  event_trigger {
    event_type = "google.pubsub.topic.publish"
    resource   = google_pubsub_topic.fulfilment.id
  }
}
