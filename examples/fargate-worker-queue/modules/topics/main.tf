# The topics one service publishes to. Who may publish is the publisher's to say (its module
# attaches the topic policy admitting its task role), so this module depends on nothing and the
# queues that subscribe can depend on it without a cycle through the publisher.
resource "aws_sns_topic" "this" {
  for_each = toset(var.topics)

  name              = "${var.name}-${each.key}"
  kms_master_key_id = var.kms_key_id
  tags              = var.tags
}
