DROP INDEX signatures_recent_listed;
