terraform {
  backend "s3" {
    bucket       = "acme-terraform-state"
    key          = "etl/dev/terraform.tfstate"
    region       = "ap-southeast-2"
    encrypt      = true
    use_lockfile = true
  }
}
