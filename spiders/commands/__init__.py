"""Project commands (COMMANDS_MODULE): they replace Scrapy's built-ins of the same name."""
