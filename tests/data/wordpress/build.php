<?php
// Builds a small student-magazine site in a fresh WordPress and writes its export (WXR) to stdout.
// Run by make-fixture.sh; see README.md beside it.
define('WP_INSTALLING', true);
$_SERVER['HTTP_HOST'] = 'oldquad.example.org';
$_SERVER['REQUEST_URI'] = '/';
require __DIR__ . '/site/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/image.php';
require_once ABSPATH . 'wp-admin/includes/export.php';

fwrite(STDERR, "installing\n");
wp_install('The Old Quad', 'maya', 'maya@example.org', true, '', 'fixture-password-not-secret');
update_option('siteurl', 'http://oldquad.example.org');
update_option('home', 'http://oldquad.example.org');
update_option('blogdescription', 'Student news and arts since 1998');
update_option('permalink_structure', '/%year%/%monthnum%/%postname%/');
update_option('timezone_string', 'Europe/London');
wp_update_user(['ID' => 1, 'display_name' => 'Maya Okafor', 'first_name' => 'Maya', 'last_name' => 'Okafor']);
$dev = wp_insert_user(['user_login' => 'dev', 'user_pass' => 'fixture-password-not-secret', 'user_email' => 'dev@example.org',
  'display_name' => 'Dev Ramaswamy', 'first_name' => 'Dev', 'last_name' => 'Ramaswamy', 'role' => 'author']);
wp_set_current_user(1);

// Co-Authors Plus keeps a post's byline as terms of its "author" taxonomy; guest authors are
// terms with no account. Registered here as the plugin registers it, so the exporter writes them.
register_taxonomy('author', 'post', ['hierarchical' => false, 'public' => false, 'rewrite' => false]);
function coauthor_term($login, $display, $id, $email) {
  $t = wp_insert_term($login, 'author', ['slug' => 'cap-' . $login,
    'description' => "$display $login $id $email"]);
  return $t['term_id'];
}
$cap_maya = coauthor_term('maya', 'Maya Okafor', 1, 'maya@example.org');
$cap_dev = coauthor_term('dev', 'Dev Ramaswamy', $dev, 'dev@example.org');
$cap_lena = coauthor_term('lena-fischer', 'Lena Fischer', 0, 'lena@example.org');

$news = wp_insert_term('News', 'category', ['slug' => 'news'])['term_id'];
$arts = wp_insert_term('Arts', 'category', ['slug' => 'arts'])['term_id'];
$theatre = wp_insert_term('Theatre', 'category', ['slug' => 'theatre', 'parent' => $arts])['term_id'];
$opinion = wp_insert_term('Opinion', 'category', ['slug' => 'opinion'])['term_id'];

$uploads = wp_upload_dir('2024/03');
function attach($name, $title, $alt, $caption, $description, $parent, $date, $meta = []) {
  $dir = wp_upload_dir(substr($date, 0, 4) . '/' . substr($date, 5, 2));
  $path = $dir['path'] . '/' . $name;
  copy(__DIR__ . '/pictures/' . $name, $path);
  $id = wp_insert_attachment(['post_title' => $title, 'post_excerpt' => $caption, 'post_content' => $description,
    'post_mime_type' => 'image/jpeg', 'post_status' => 'inherit', 'post_date' => $date], $path, $parent);
  wp_update_attachment_metadata($id, wp_generate_attachment_metadata($id, $path));
  update_post_meta($id, '_wp_attachment_image_alt', $alt);
  foreach ($meta as $k => $v) { update_post_meta($id, $k, $v); }
  return $id;
}
function post($args, $cats, $tags, $coauthors) {
  $id = wp_insert_post(array_merge(['post_status' => 'publish', 'post_type' => 'post', 'post_author' => 1], $args), true);
  if (is_wp_error($id)) { fwrite(STDERR, $id->get_error_message() . "\n"); exit(1); }
  wp_set_post_categories($id, $cats);
  wp_set_post_tags($id, $tags);
  if ($coauthors) { wp_set_object_terms($id, $coauthors, 'author'); }
  return $id;
}

fwrite(STDERR, "posts\n");
// 1. A news piece, written in the block editor, with a featured image credited in its caption.
$budget = post(['post_title' => 'Union budget passes after a late-night vote', 'post_name' => 'union-budget-passes',
  'post_date' => '2024-03-12 21:40:00',
  'post_excerpt' => 'Councillors approved the union\'s budget at ten to midnight, after three hours of debate over club funding.',
  'post_content' => "<!-- wp:paragraph -->\n<p>The student union council approved next year&#8217;s budget at ten to midnight on Tuesday, after a debate that ran three hours past its slot.</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:heading -->\n<h2>Where the money goes</h2>\n<!-- /wp:heading -->\n\n<!-- wp:list -->\n<ul><li>Clubs and societies: <strong>£142,000</strong></li><li>Welfare and advice: £88,500</li><li>Elections: £9,000</li></ul>\n<!-- /wp:list -->\n\n<!-- wp:paragraph -->\n<p>The full papers are on the <a href=\"https://union.example.org/council/2024-03\">union&#8217;s website</a>. <em>Motions</em> on club funding were amended twice.</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:quote -->\n<blockquote class=\"wp-block-quote\"><p>We could not cut the hardship fund, so something else had to give.</p><cite>The union treasurer</cite></blockquote>\n<!-- /wp:quote -->"],
  [$news], ['campus', 'budget', 'student union'], ['maya', 'dev']);
$chamber = attach('council-chamber.jpg', 'Council chamber', 'Rows of seats in the union council chamber under bright lights.',
  '“Union council chamber” by Maya Okafor is licensed under CC BY 4.0', 'Photo: Maya Okafor for The Old Quad.',
  $budget, '2024-03-12 20:00:00');
set_post_thumbnail($budget, $chamber);

// 2. A review with a [caption] shortcode, two bylines including a guest author.
$stage = attach('stage-lights.jpg', 'Stage lights', 'A dark stage lit by three spotlights.',
  'Stage lights before the show', 'Source: https://www.flickr.com/photos/example/123', 0, '2024-03-20 18:00:00',
  ['_media_credit' => 'Jo Park', '_media_credit_url' => 'https://jopark.example.org', '_wp_attachment_source_name' => 'Jo Park']);
$review = post(['post_title' => 'Review: Twelfth Night in the quad', 'post_name' => 'review-twelfth-night',
  'post_date' => '2024-03-21 10:15:00', 'post_author' => $dev,
  'post_content' => "The Players took Shakespeare outdoors this week, and the quad has never looked better.\n\n[caption id=\"attachment_$stage\" align=\"aligncenter\" width=\"800\"]<img class=\"size-large wp-image-$stage\" src=\"http://oldquad.example.org/wp-content/uploads/2024/03/stage-lights.jpg\" alt=\"A dark stage lit by three spotlights.\" width=\"800\" height=\"533\" /> “Stage lights” by Jo Park is licensed under CC BY-SA 4.0[/caption]\n\nMalvolio's letter scene drew the loudest laughs of the night; the <strong>yellow stockings</strong> were worth the ticket alone.\n\nThe run ends on Saturday."],
  [$arts, $theatre], ['theatre', 'review'], ['dev', 'lena-fischer']);
wp_update_post(['ID' => $stage, 'post_parent' => $review]);
set_post_thumbnail($review, $stage);

// 3. A photo essay with a [gallery] and an [embed].
$g = [];
foreach ([['river-ice.jpg', 'Ice at the weir', 'Ice along the edge of the weir in the morning.', 'Morning ice at the weir'],
          ['river-fog.jpg', 'Fog on the towpath', 'Fog hanging over the towpath by the boathouse.', 'Fog by the boathouse'],
          ['river-swans.jpg', 'Swans in winter', 'Two swans on dark water beside the reeds.', 'Swans at the reed beds']] as $p) {
  $g[] = attach($p[0], $p[1], $p[2], $p[3], 'Photo by Lena Fischer, all rights reserved, used with permission.', 0, '2024-01-15 09:00:00');
}
$essay = post(['post_title' => 'Photo essay: the river in winter', 'post_name' => 'river-in-winter',
  'post_date' => '2024-01-16 08:00:00',
  'post_content' => "Lena Fischer walked the river every morning in January.\n\n[gallery ids=\"" . implode(',', $g) . "\" columns=\"3\"]\n\nShe also filmed the weir:\n\n[embed]https://www.youtube.com/watch?v=dQw4w9WgXcQ[/embed]\n\nAnd there is a <a href=\"javascript:alert(1)\">link that should not work</a>.<script>alert('imported')</script><img src=x onerror=alert(2)>"],
  [$news], ['climate', 'river'], ['lena-fischer']);
foreach ($g as $id) { wp_update_post(['ID' => $id, 'post_parent' => $essay]); }
set_post_thumbnail($essay, $g[0]);

// 4. An opinion piece in the classic editor, linked by ID in places (?p=).
post(['post_title' => 'Our library needs longer hours, not more rules', 'post_name' => 'library-longer-hours',
  'post_date' => '2023-11-02 12:00:00', 'post_author' => $dev,
  'post_content' => "Every exam season the same queue forms at the library door.\n\nThe university says it cannot afford staff after ten. <em>It can.</em>"],
  [$opinion], ['library', 'campus'], []);

// 5-9. The states an export carries beyond published.
post(['post_title' => 'What the new timetable means for you', 'post_status' => 'draft', 'post_name' => '',
  'post_content' => 'Notes for a piece on the timetable.'], [$news], ['timetable'], ['maya']);
post(['post_title' => 'Letters to the editor, March', 'post_status' => 'pending', 'post_author' => $dev,
  'post_content' => 'Three letters on the budget.'], [$opinion], [], ['dev']);
post(['post_title' => 'Spring fair preview', 'post_status' => 'future', 'post_name' => 'spring-fair-preview',
  'post_date' => '2030-04-01 09:00:00', 'post_content' => 'Stalls, bands and a dog show.'], [$arts], ['fair'], ['maya']);
post(['post_title' => 'Staff rota (private)', 'post_status' => 'private', 'post_content' => 'Who closes on Fridays.'], [$news], [], []);
$trash = post(['post_title' => 'A piece we pulled', 'post_content' => 'Gone.'], [$news], [], []);
wp_trash_post($trash);
wp_insert_post(['post_type' => 'page', 'post_status' => 'publish', 'post_title' => 'About us',
  'post_content' => 'The Old Quad is the independent student paper.']);

fwrite(STDERR, "exporting\n");
ob_start();
export_wp(['content' => 'all']);
$xml = ob_get_clean();
file_put_contents(__DIR__ . '/export.xml', $xml);
fwrite(STDERR, "wrote " . strlen($xml) . " bytes\n");
