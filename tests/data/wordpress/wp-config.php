<?php
define('DB_NAME', 'wp_fixture');
define('DB_USER', 'root');
define('DB_PASSWORD', '');
define('DB_HOST', 'localhost');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
define('WP_CONTENT_DIR', __DIR__ . '/wp-content');
define('WP_HOME', 'http://oldquad.example.org');
define('WP_SITEURL', 'http://oldquad.example.org');
define('AUTH_KEY', 'fixture'); define('SECURE_AUTH_KEY', 'fixture'); define('LOGGED_IN_KEY', 'fixture'); define('NONCE_KEY', 'fixture');
define('AUTH_SALT', 'fixture'); define('SECURE_AUTH_SALT', 'fixture'); define('LOGGED_IN_SALT', 'fixture'); define('NONCE_SALT', 'fixture');
$table_prefix = 'wp_';
define('WP_DEBUG', false);
if (!defined('ABSPATH')) define('ABSPATH', __DIR__ . '/');
require_once ABSPATH . 'wp-settings.php';
