<?php
// The shop records each visit in a file under /srv/data; a full disk makes it fail.
if (@file_put_contents('/srv/data/visit-' . uniqid('', true), date('c') . "\n") === false) {
    http_response_code(500);
    echo "cannot write visit record\n";
    exit;
}
echo "shop ok\n";
